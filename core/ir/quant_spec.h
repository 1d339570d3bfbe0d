#pragma once
// How a tensor is quantised: the QONNX Quant/BipolarQuant semantics, per tensor or per channel.
//   y = x / scale + zeroPoint; clamp to [minInt, maxInt]; round; out = (y - zeroPoint) * scale
// A 1-bit signed quantiser and BipolarQuant are bipolar: out = x >= 0 ? +scale : -scale, ints {-1, +1}.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::ir {

enum class RoundingMode { HalfEven, HalfUp, HalfDown, Ceil, Floor, Up, Down };

// Uniform: integer levels. PowerOfTwo: n-BQ-NN levels {0, ±2^-k}, integers kept as sign·2^e on a
// common scale so shift-add hardware sees exponents.
enum class WeightScheme { Uniform, PowerOfTwo };

struct QuantSpec {
    int bits = 0; // 0: not quantised (float)
    bool isSigned = true;
    bool narrow = false;
    bool bipolar = false;
    RoundingMode rounding = RoundingMode::HalfEven;
    WeightScheme scheme = WeightScheme::Uniform;
    std::vector<double> scale { 1.0 }; // one value, or one per channel along `axis`
    std::vector<double> zeroPoint { 0.0 };
    int axis = -1; // axis of the per-sample tensor the per-channel values run along; -1 = per tensor

    bool quantised() const { return bits > 0; }
    bool perChannel() const { return scale.size() > 1 || zeroPoint.size() > 1; }
    int64_t minInt() const;
    int64_t maxInt() const;
    double scaleAt(int64_t channel) const { return scale.size() == 1 ? scale[0] : scale[size_t(channel)]; }
    double zeroPointAt(int64_t channel) const
    {
        return zeroPoint.size() == 1 ? zeroPoint[0] : zeroPoint[size_t(channel)];
    }
    // The integer level x maps to (before subtracting the zero point), exactly as QONNX computes it.
    int64_t toInt(double x, int64_t channel) const;
    // The dequantised value: (toInt(x) - zeroPoint) * scale.
    double apply(double x, int64_t channel) const;
    std::string describe() const; // e.g. "int4 narrow", "uint6", "bipolar", "pow2 3b"
};

double roundWith(RoundingMode mode, double v);
const char* toString(RoundingMode mode); // QONNX's rounding_mode names: "ROUND", "HALF_UP", ...
std::optional<RoundingMode> roundingFromString(std::string_view name); // the names toString gives

} // namespace luthier::ir
