#pragma once
// Maps the layers between the dense templates (pooling, Add, Concat, Transpose, Resize, a lone requantiser)
// onto DataBlocks (arch/layer_blocks.h) with their units, ports, cycles and resource estimate.

#include "arch/hw_design.h"
#include "ir/graph.h"

#include <string>
#include <vector>

namespace luthier::quant {
struct IntLayer;
struct IntFormat;
} // namespace luthier::quant

namespace luthier::arch {

// What enters one input of a block: the integers' format (nullptr: raw signed accumulators), the code bits
// on the bus and the producer's per-sample shape.
struct BlockInput {
    const quant::IntFormat* format = nullptr;
    int bits = 1;
    ir::Shape shape;
};

// True for kinds mapBlock handles.
bool isBlockKind(ir::LayerKind kind);

// Fills hw.block, ports, cycles, interval and estimate. `isOutput`: the layer is the design output (a layer
// without quantiser or carried format may only be that). Throws luthier::Error naming `label` for inputs
// it cannot combine (shape mismatch, raw accumulators into arithmetic, a one-level format).
void mapBlock(HwLayer& hw, const quant::IntLayer& layer, const std::vector<BlockInput>& inputs, bool isOutput,
    const std::string& label);

} // namespace luthier::arch
