#pragma once
// The perceptually uniform viridis colour map (van der Walt and Smith, CC0; matplotlib's 256-entry table,
// each channel rounded to 8 bits) for metric colouring and heatmaps: legible for colour-blind users and in
// greyscale. Also the linear / logarithmic value-to-colour scale the floorplan legend shows, and a
// readable text colour for any fill.

#include <QColor>

namespace luthier::widgets {

inline constexpr int kViridisSize = 256;

QRgb viridisEntry(int index); // the table itself, index clamped to 0..255
QColor viridis(double t); // t in [0, 1], clamped; the nearest of the 256 entries

enum class ColourScale { Linear, Log };

// Position of `value` on a colour bar from `lo` to `hi`, in [0, 1]. Log: log(value / lo) / log(hi / lo);
// a lo <= 0 is replaced by hi / 1000 (the bar spans three decades) and values at or below it map to 0.
double scalePosition(double value, double lo, double hi, ColourScale scale);
// The value at position t of the same bar (the legend's tick labels).
double scaleValue(double t, double lo, double hi, ColourScale scale);

QColor textColourOn(const QColor& fill);

} // namespace luthier::widgets
