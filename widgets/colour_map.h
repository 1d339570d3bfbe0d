#pragma once
// The perceptually uniform viridis colour map for metric colouring (legible for colour-blind users and
// in greyscale), and a readable text colour for any fill.

#include <QColor>

namespace luthier::widgets {

QColor viridis(double t); // t in [0, 1], clamped
QColor textColourOn(const QColor& fill);

} // namespace luthier::widgets
