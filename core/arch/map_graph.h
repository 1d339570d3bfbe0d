#pragma once
// Maps the layers of a graph that are not Dense: convolutions (arch/map_conv.h, on the dense template the
// layer is assigned) and the data-flow blocks between layers (arch/map_block.h), with their inputs anywhere
// earlier in the graph (branches, residual Adds, Concat).

#include "arch/hw_design.h"
#include "arch/map_dense.h"
#include "ir/graph.h"

#include <functional>
#include <string>
#include <vector>

namespace luthier::quant {
struct IntGraph;
}

namespace luthier::arch {

struct GraphContext {
    const quant::IntGraph& graph;
    const std::vector<int>& hwOf; // IntGraph layer -> HwDesign layer producing its values, -1: the design input
    const std::vector<HwLayer>& layers; // mapped so far
    int designInputBits = 1;
};

// True for the kinds mapGraphLayer handles.
bool isGraphLayerKind(ir::LayerKind kind);

// Maps graph layer `index` into `hw` (name, module, instance and kind already set). Returns false when the
// layer moves and changes nothing (a Pointwise without quantiser): the caller lets it carry its input.
// `mapDense` maps a dense layer on hw.kind's template. Throws luthier::Error naming `label`.
bool mapGraphLayer(HwLayer& hw, const GraphContext& context, int index, bool isOutput, const std::string& label,
    const std::function<void(HwLayer&, const DenseSource&)>& mapDense);

} // namespace luthier::arch
