#include "ir/pointwise.h"

#include "util/enum_names.h"

#include <algorithm>

namespace luthier::ir {

namespace {
double at(const std::vector<double>& v, int64_t c, double fallback)
{
    if (v.empty()) return fallback;
    return v.size() == 1 ? v[0] : v[size_t(c)];
}
} // namespace

double PointwiseOp::apply(double x, int64_t c) const
{
    switch (kind) {
    case PointwiseKind::Affine:
        return x * at(mul, c, 1.0) + at(add, c, 0.0);
    case PointwiseKind::Relu:
        return x > 0 ? x : 0.0;
    case PointwiseKind::LeakyRelu:
        return x >= 0 ? x : alpha * x;
    case PointwiseKind::Clip:
        return std::clamp(x, lo, hi);
    case PointwiseKind::Quant:
        return quant.apply(x, c);
    case PointwiseKind::Quantize:
        return double(quant.toInt(x, c));
    case PointwiseKind::Dequantize:
        return (x - quant.zeroPointAt(c)) * quant.scaleAt(c);
    case PointwiseKind::MultiThreshold: {
        const std::vector<double>& row = thresholds.size() == 1 ? thresholds[0] : thresholds[size_t(c)];
        const auto passed = std::count_if(row.begin(), row.end(), [x](double t) { return t <= x; });
        return at(mul, c, 1.0) * double(passed) + at(add, c, 0.0);
    }
    }
    return x;
}

constexpr util::EnumName<PointwiseKind> kPointwiseNames[] = { { PointwiseKind::Affine, "affine" },
    { PointwiseKind::Relu, "relu" }, { PointwiseKind::LeakyRelu, "leaky_relu" }, { PointwiseKind::Clip, "clip" },
    { PointwiseKind::Quant, "quant" }, { PointwiseKind::Quantize, "quantize_linear" },
    { PointwiseKind::Dequantize, "dequantize_linear" }, { PointwiseKind::MultiThreshold, "multi_threshold" } };

const char* PointwiseOp::name() const
{
    return util::nameOf(kPointwiseNames, kind);
}

double applyAll(const std::vector<PointwiseOp>& ops, double x, int64_t c)
{
    for (const PointwiseOp& op : ops)
        x = op.apply(x, c);
    return x;
}

int monotoneDirection(const std::vector<PointwiseOp>& ops, int64_t c)
{
    int direction = 1;
    for (const PointwiseOp& op : ops) {
        if (op.kind == PointwiseKind::Affine) {
            const double m = at(op.mul, c, 1.0);
            if (m == 0) return 1; // constant from here on: non-decreasing
            if (m < 0) direction = -direction;
        } else if ((op.kind == PointwiseKind::Dequantize || op.kind == PointwiseKind::MultiThreshold)
            && op.quant.scaleAt(c) < 0) {
            direction = -direction;
        } else if (op.kind == PointwiseKind::LeakyRelu && op.alpha < 0) {
            return 0; // not monotone; callers reject such layers
        }
    }
    return direction;
}

} // namespace luthier::ir
