#include "ir/quant_spec.h"

#include "util/enum_names.h"

#include <algorithm>
#include <cmath>

namespace luthier::ir {

int64_t QuantSpec::minInt() const
{
    if (bipolar) return -1;
    if (isSigned) return -(int64_t(1) << (bits - 1)) + (narrow ? 1 : 0);
    return 0;
}

int64_t QuantSpec::maxInt() const
{
    if (bipolar) return 1;
    if (isSigned) return (int64_t(1) << (bits - 1)) - 1;
    return (int64_t(1) << bits) - 1 - (narrow ? 1 : 0);
}

double roundWith(RoundingMode mode, double v)
{
    switch (mode) {
    case RoundingMode::HalfEven:
        return std::nearbyint(v); // default FE_TONEAREST is half-to-even
    case RoundingMode::HalfUp:
        return std::floor(v + 0.5);
    case RoundingMode::HalfDown:
        return std::ceil(v - 0.5);
    case RoundingMode::Ceil:
        return std::ceil(v);
    case RoundingMode::Floor:
        return std::floor(v);
    case RoundingMode::Up: // away from zero
        return v < 0 ? std::floor(v) : std::ceil(v);
    case RoundingMode::Down: // towards zero
        return std::trunc(v);
    }
    return v;
}

constexpr util::EnumName<RoundingMode> kRoundingNames[] = { { RoundingMode::HalfEven, "ROUND" },
    { RoundingMode::HalfUp, "HALF_UP" }, { RoundingMode::HalfDown, "HALF_DOWN" }, { RoundingMode::Ceil, "CEIL" },
    { RoundingMode::Floor, "FLOOR" }, { RoundingMode::Up, "UP" }, { RoundingMode::Down, "DOWN" } };

const char* toString(RoundingMode mode)
{
    return util::nameOf(kRoundingNames, mode);
}

std::optional<RoundingMode> roundingFromString(std::string_view name)
{
    return util::valueOf(kRoundingNames, name);
}

int64_t QuantSpec::toInt(double x, int64_t channel) const
{
    if (bipolar) return x >= 0 ? 1 : -1;
    const double y = x / scaleAt(channel) + zeroPointAt(channel);
    const double clamped = std::clamp(y, double(minInt()), double(maxInt()));
    return int64_t(roundWith(rounding, clamped));
}

double QuantSpec::apply(double x, int64_t channel) const
{
    if (bipolar) return (x >= 0 ? 1.0 : -1.0) * scaleAt(channel);
    return (double(toInt(x, channel)) - zeroPointAt(channel)) * scaleAt(channel);
}

std::string QuantSpec::describe() const
{
    if (!quantised()) return "float";
    if (bipolar) return "bipolar";
    std::string s = (scheme == WeightScheme::PowerOfTwo ? "pow2-" : std::string()) + (isSigned ? "int" : "uint")
        + std::to_string(bits);
    if (narrow) s += " narrow";
    return s;
}

} // namespace luthier::ir
