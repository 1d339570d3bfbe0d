#include "arch/adder_graph/layer.h"

#include "arch/tlmac/plan.h"

#include <algorithm>

namespace luthier::arch::adder_graph {

Graph layerGraph(const DenseDatapath& d)
{
    const std::vector<int64_t> weights(d.weights.begin(), d.weights.end());
    return build(weights, d.outputs, d.inputs, 0, (int64_t(1) << d.inputBits) - 1, { d.adderDepth });
}

Pipeline pipeline(const Graph& g, int every)
{
    Pipeline p;
    p.stages = every > 0 ? g.depth() / every : 0;
    p.stage.assign(g.nodes.size(), 0);
    p.delays.assign(g.nodes.size(), 0);
    for (size_t n = size_t(g.inputs); n < g.nodes.size(); ++n) {
        const Node& node = g.nodes[n];
        p.stage[n] = every > 0 ? (node.depth - 1) / every : 0;
        for (const Operand& o : { node.a, node.b })
            p.delays[size_t(o.node)] = std::max(p.delays[size_t(o.node)], p.stage[n] - p.stage[size_t(o.node)]);
    }
    for (const auto& o : g.outputs)
        if (o) p.delays[size_t(o->node)] = std::max(p.delays[size_t(o->node)], p.stages - p.stage[size_t(o->node)]);
    return p;
}

int nodeWidth(const Graph& g, int32_t node)
{
    const Node& n = g.nodes[size_t(node)];
    return std::max(1, tlmac::signedBitsFor(n.lo, n.hi));
}

int64_t adderLuts(const Graph& g, int32_t node)
{
    const Node& n = g.nodes[size_t(node)];
    // The operand with the larger shift has that many zero low bits; below them the other operand passes through
    // when it is the added one.
    const Operand& low = n.a.shift <= n.b.shift ? n.a : n.b;
    const int passThrough = low.negative ? 0 : std::max(n.a.shift, n.b.shift);
    return std::max(0, nodeWidth(g, node) - passThrough);
}

} // namespace luthier::arch::adder_graph
