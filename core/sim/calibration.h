#pragma once
// Calibration for post-training quantisation (quant/ptq.h): the float model's output range per layer on a
// few samples. It runs the model, which is why it lives here and not in quant.

#include "ir/graph.h"
#include "sim/dataset.h"
#include "util/progress.h"

#include <cstdint>
#include <map>
#include <utility>

namespace luthier::sim {

// Output range (min, max) of every layer, measured with the float executor on the first `maxSamples` samples.
std::map<int, std::pair<double, double>> calibrateRanges(
    const ir::Graph& graph, const Dataset& data, Progress& progress, int64_t maxSamples = 1024);

} // namespace luthier::sim
