#pragma once
// A one-layer model built by hand: Input(inputs, uint2) -> Dense with float weights (outputs x inputs, row-major)
// quantised as int2 with one scale, output uint2. For tests that need a layer whose integers they know.

#include "ir/graph.h"

#include <vector>

namespace test {

inline luthier::ir::Graph denseGraph(int64_t inputs, int64_t outputs, std::vector<float> weights, double weightScale)
{
    using namespace luthier;
    ir::PointwiseOp uint2;
    uint2.kind = ir::PointwiseKind::Quant;
    uint2.quant.bits = 2;
    uint2.quant.isSigned = false;
    ir::Graph g;
    g.name = "dense";
    ir::Layer input;
    input.name = "x";
    input.kind = ir::LayerKind::Input;
    input.outShape = { inputs };
    input.epilogue.push_back(uint2);
    ir::Layer dense;
    dense.name = "fc";
    dense.kind = ir::LayerKind::Dense;
    dense.inputs = { 0 };
    dense.outShape = { outputs };
    dense.weight.shape = { outputs, inputs };
    dense.weight.data = std::move(weights);
    dense.weightQuant.bits = 2;
    dense.weightQuant.scale = { weightScale };
    dense.epilogue.push_back(uint2);
    g.layers = { input, dense };
    g.outputs = { 1 };
    return g;
}

} // namespace test
