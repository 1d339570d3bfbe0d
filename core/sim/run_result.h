#pragma once
// What the executors return: the model outputs for every sample and per-layer activation ranges.

#include "ir/shape.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace luthier::sim {

struct RunOptions {
    int threads = 0; // 0: all hardware threads
    int64_t blockSize = 0; // samples per work item; 0: chosen by the executor
};

// Range of one layer's outputs over all samples. The integer executor fills the integer range too.
struct LayerRange {
    int layer = -1; // index into the executed graph's layers
    std::string name;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    bool integer = false;
    int64_t intMin = std::numeric_limits<int64_t>::max();
    int64_t intMax = std::numeric_limits<int64_t>::min();

    void merge(const LayerRange& other);
};

struct OutputTensor {
    int layer = -1; // index into the executed graph's layers
    ir::Shape shape; // per sample
    std::vector<double> values; // count * elementCount(shape): real values (dequantised for the integer run)
    std::vector<int64_t> ints; // integer run only: the integers hardware produces (accumulators when raw)
};

struct RunResult {
    int64_t count = 0;
    std::vector<OutputTensor> outputs; // one per model output, in Graph::outputs order
    std::vector<LayerRange> ranges; // one per layer
};

// The result the executors fill in: `count` samples of zeros in each output of `graph` (an ir::Graph or an
// IntGraph), with integers too when `withInts`.
template <typename Graph> RunResult zeroedResult(const Graph& graph, int64_t count, bool withInts)
{
    RunResult result;
    result.count = count;
    for (int out : graph.outputs) {
        OutputTensor t;
        t.layer = out;
        t.shape = graph.layers[size_t(out)].outShape;
        t.values.resize(size_t(count * ir::elementCount(t.shape)));
        if (withInts) t.ints.resize(t.values.size());
        result.outputs.push_back(std::move(t));
    }
    return result;
}

} // namespace luthier::sim
