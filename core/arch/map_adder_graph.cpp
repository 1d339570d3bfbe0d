// Adder-graph mapping of a Dense layer (docs/compiler.md, "Adder graphs"): the constant matrix times the input
// codes as one shared graph of adders and subtractors over shifted codes (arch/adder_graph), registers every
// `pipelineEvery` adder levels, then the parallel requantisation; one inference per clock, no multipliers.
// RTL: rtl/emit_adder_graph.cpp.

#include "arch/adder_graph/layer.h"
#include "arch/map_dense.h"
#include "util/error.h"

#include <string>

namespace luthier::arch {

namespace {

// Sharing counts every pair of terms in a row and rescans the rows per shared pattern: TFC's 784 x 64 layer (50,176
// weights) takes about 25 s, a random dense matrix of that size minutes. Larger layers are refused (the statistics
// then show the template unavailable) rather than left running.
constexpr int64_t kMaxAdderGraphWeights = int64_t(1) << 16;

} // namespace

void mapAdderGraphDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    if (int64_t(d.weights.size()) > kMaxAdderGraphWeights)
        throw Error("layer " + source.label + ": the adder-graph template shares subexpressions over at most "
            + std::to_string(kMaxAdderGraphWeights) + " weights per layer (it has " + std::to_string(d.weights.size())
            + "); map this layer with another template");
    d.pipelineEvery = options.pipelineEvery;
    d.adderDepth = options.adderDepth;
    const adder_graph::Graph g = adder_graph::layerGraph(d);
    const adder_graph::Pipeline p = adder_graph::pipeline(g, d.pipelineEvery);
    Resources r;
    for (int32_t n = int32_t(g.inputs); n < int32_t(g.nodes.size()); ++n) {
        const int64_t luts = adder_graph::adderLuts(g, n);
        r.lut += luts;
        r.carry += (luts + 3) / 4;
    }
    for (int32_t n = 0; n < int32_t(g.nodes.size()); ++n)
        r.ff += int64_t(p.delays[size_t(n)]) * adder_graph::nodeWidth(g, n);
    for (const auto& o : g.outputs)
        if (o && o->negative) // S = -(node << shift): a negation on the carry chain
            r.lut += d.accBits, r.carry += (d.accBits + 3) / 4;
    r.ff += d.inputs * d.inputBits + p.stages + 2; // input register, valid bits
    r += denseOutputResources(d, d.outputs);
    hw.kind = ir::TemplateKind::AdderGraph;
    hw.estimate = r;
    hw.cycles = p.stages + 1;
    hw.interval = 1;
    hw.accumulators.clear();
    setDensePorts(hw, d, d.outputs);
    hw.dense = std::move(d);
}

} // namespace luthier::arch
