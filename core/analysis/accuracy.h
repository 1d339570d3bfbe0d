#pragma once
// Top-1 accuracy of a (possibly overridden) graph on a labelled dataset: the float reference and the integer
// golden model that hardware computes, so an override's accuracy effect shows next to its LUT cost.

#include "ir/graph.h"
#include "quant/lower.h"
#include "sim/dataset.h"
#include "util/progress.h"

#include <cstdint>
#include <vector>

namespace luthier::analysis {

struct Accuracy {
    int64_t samples = 0;
    double floatAccuracy = 0, intAccuracy = 0; // fractions in [0, 1]
    double agreement = 0; // samples whose float and integer classes agree
};

// Lowers `graph` to integers with `lower` (float weights are an error: apply post-training overrides first) and
// runs both executors with `threads` workers (0: all cores).
Accuracy measureAccuracy(const ir::Graph& graph, const sim::Dataset& inputs, const std::vector<int64_t>& labels,
    Progress& progress, int threads = 0, const quant::LowerOptions& lower = {});

} // namespace luthier::analysis
