#pragma once
// Models built by hand, for tests that need layers whose integers they know: a layer from its few common fields,
// and a one-layer model Input(inputs, uint2) -> Dense with float weights (outputs x inputs, row-major) quantised as
// int2 with one scale, output uint2.

#include "ir/graph.h"

#include <string>
#include <vector>

namespace test {

// A layer of `kind` named `name` reading the layers `inputs`, with per-sample output shape `outShape` and `epilogue`.
inline luthier::ir::Layer layer(std::string name, luthier::ir::LayerKind kind, std::vector<int> inputs,
    luthier::ir::Shape outShape, std::vector<luthier::ir::PointwiseOp> epilogue = {})
{
    luthier::ir::Layer l;
    l.name = std::move(name);
    l.kind = kind;
    l.inputs = std::move(inputs);
    l.outShape = std::move(outShape);
    l.epilogue = std::move(epilogue);
    return l;
}

inline luthier::ir::Graph denseGraph(int64_t inputs, int64_t outputs, std::vector<float> weights, double weightScale)
{
    using namespace luthier;
    ir::PointwiseOp uint2;
    uint2.kind = ir::PointwiseKind::Quant;
    uint2.quant.bits = 2;
    uint2.quant.isSigned = false;
    ir::Graph g;
    g.name = "dense";
    ir::Layer input = layer("x", ir::LayerKind::Input, {}, { inputs }, { uint2 });
    ir::Layer dense = layer("fc", ir::LayerKind::Dense, { 0 }, { outputs }, { uint2 });
    dense.weight.shape = { outputs, inputs };
    dense.weight.data = std::move(weights);
    dense.weightQuant.bits = 2;
    dense.weightQuant.scale = { weightScale };
    g.layers = { input, dense };
    g.outputs = { 1 };
    return g;
}

} // namespace test
