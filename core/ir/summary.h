#pragma once
// A per-layer summary of a graph (what `luthier-cli inspect` prints), as rows and as JSON.
// The JSON keys are stable and documented in docs/cli.md.

#include "ir/graph.h"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace luthier::ir {

struct LayerSummary {
    int index = 0;
    std::string name, kind, opType;
    std::vector<std::string> inputs; // producer layer names
    std::vector<Shape> inputShapes;
    Shape outputShape;
    std::string weights; // e.g. "int2 narrow", "float", "-" without weights
    bool perChannelWeights = false;
    std::string activation; // output quantiser, e.g. "uint6"; "-" when the output stays real-valued
    std::vector<std::string> epilogue; // op names in order
    int64_t parameters = 0;
    int64_t macs = 0;
    int64_t finnPe = 0, finnSimd = 0; // FINN dataflow folding; 0 when the layer is not from FINN
};

std::vector<LayerSummary> summarise(const Graph& graph);
nlohmann::json summaryJson(const Graph& graph);

} // namespace luthier::ir
