#pragma once
// Requantisation terms shared by the templates: comparing an A-bit accumulator with (2^b - 1) thresholds.

#include "arch/cost/cost.h"

namespace luthier::arch::cost {

// Thresholds per output channel (1 for a bipolar/1-bit output, 0 for a raw accumulator).
inline int64_t thresholdsPerOutput(const CostInput& in)
{
    return in.outputBits <= 0 ? 0 : (int64_t(1) << in.outputBits) - 1;
}

// Parallel comparators against constants in a carry chain: a LUT6 resolves two accumulator bits per stage.
inline int64_t constantComparatorLuts(int accBits)
{
    return (accBits + 1) / 2;
}

} // namespace luthier::arch::cost
