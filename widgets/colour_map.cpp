#include "colour_map.h"

#include <algorithm>
#include <array>

namespace luthier::widgets {

QColor viridis(double t)
{
    // matplotlib's viridis sampled at t = 0, 0.1, ..., 1; linear interpolation between samples is
    // within a few levels of the full 256-entry table.
    static constexpr std::array<QRgb, 11> samples { 0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
        0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725 };
    t = std::clamp(t, 0.0, 1.0) * double(samples.size() - 1);
    const size_t i = std::min(size_t(t), samples.size() - 2);
    const double f = t - double(i);
    const QColor a(samples[i]), b(samples[i + 1]);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * f), float(a.greenF() + (b.greenF() - a.greenF()) * f),
        float(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QColor textColourOn(const QColor& fill)
{
    // Relative luminance (sRGB weights); the threshold sits where black and white have equal contrast.
    const double y = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF();
    return y > 0.45 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace luthier::widgets
