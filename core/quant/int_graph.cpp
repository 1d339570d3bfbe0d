#include "quant/int_graph.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace luthier::quant {

double IntFormat::dequantise(int64_t q, int64_t c) const
{
    if (bipolar) return double(q) * scaleAt(c);
    // Same expression as ir::QuantSpec::apply, so dequantised integers equal the float model's values.
    return (double(q) - zeroPointAt(c)) * scaleAt(c);
}

int IntFormat::codeBits() const
{
    int bits = 0;
    while (bits < 63 && (int64_t(1) << bits) <= maxCode())
        ++bits;
    return bits;
}

int64_t IntFormat::latticeIndex(double value, int64_t c) const
{
    if (bipolar) return value >= 0 ? 1 : -1;
    const double y = value / scaleAt(c) + zeroPointAt(c);
    const double q = std::nearbyint(y);
    if (!(std::fabs(y - q) <= 1e-6 * std::max(1.0, std::fabs(q))) || q < double(minInt) || q > double(maxInt))
        throw Error("value " + std::to_string(value) + " is not on the integer lattice of scale "
            + std::to_string(scaleAt(c)) + " in [" + std::to_string(minInt) + ", " + std::to_string(maxInt) + "]");
    return int64_t(q);
}

int64_t Thresholds::apply(int64_t acc, int64_t c) const
{
    const std::vector<int64_t>& l = levels[size_t(c)];
    const int64_t v = direction[size_t(c)] < 0 ? -acc : acc;
    const int64_t count = std::upper_bound(l.begin(), l.end(), v) - l.begin();
    if (out.bipolar) return count ? 1 : -1;
    return out.minInt + count;
}

} // namespace luthier::quant
