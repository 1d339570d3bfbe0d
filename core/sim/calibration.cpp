#include "sim/calibration.h"

#include "sim/float_executor.h"

#include <algorithm>

namespace luthier::sim {

std::map<int, std::pair<double, double>> calibrateRanges(
    const ir::Graph& graph, const Dataset& data, Progress& progress, int64_t maxSamples)
{
    Dataset subset;
    subset.sampleShape = data.sampleShape;
    subset.count = std::min(data.count, maxSamples);
    subset.data.assign(data.data.begin(), data.data.begin() + ptrdiff_t(subset.count * data.sampleSize()));
    const RunResult run = runFloat(graph, subset, {}, progress);
    std::map<int, std::pair<double, double>> ranges;
    for (const LayerRange& r : run.ranges)
        if (r.layer >= 0) ranges[r.layer] = { r.min, r.max };
    return ranges;
}

} // namespace luthier::sim
