#include "sim/run_result.h"

#include <algorithm>

namespace luthier::sim {

void LayerRange::merge(const LayerRange& other)
{
    min = std::min(min, other.min);
    max = std::max(max, other.max);
    integer = integer || other.integer;
    intMin = std::min(intMin, other.intMin);
    intMax = std::max(intMax, other.intMax);
}

} // namespace luthier::sim
