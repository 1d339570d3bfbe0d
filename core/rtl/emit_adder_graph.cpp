// Adder-graph layer modules: every node of the layer's adder graph (arch/adder_graph/layer.h) is one Verilog adder
// or subtractor over its two shifted operands, declared exactly as wide as its range; a value read in a later
// pipeline stage than its own is carried through one register per stage. Each output S_o is then a node (shifted,
// maybe negated) and the shared output stage (rtl/dense_outputs.h) requantises it. One inference per clock: the
// whole pipeline advances whenever the output register is empty or being read, as in rtl/parallel_sum.cpp.

#include "arch/adder_graph/layer.h"
#include "rtl/dense_outputs.h"
#include "rtl/layer_emitters.h"
#include "rtl/parallel_sum.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <algorithm>
#include <sstream>

namespace luthier::rtl {

namespace {

using arch::adder_graph::Graph;
using arch::adder_graph::Operand;

// Node n's net as read `delay` stages after it is computed.
std::string net(int32_t node, int delay)
{
    return "a" + std::to_string(node) + (delay > 0 ? "_d" + std::to_string(delay) : "");
}

// The operand (-1)^neg (node << shift) as a `width`-bit term (the sum's range fits `width`, so wrapping the
// shifted operand there is exact), with its sign in front.
std::string term(const Graph& g, const Operand& o, int delay, int width)
{
    const std::string extended = signExtend(net(o.node, delay), arch::adder_graph::nodeWidth(g, o.node), width);
    return std::string(o.negative ? "- " : "+ ") + "(" + extended + (o.shift ? " << " + std::to_string(o.shift) : "")
        + ")";
}

} // namespace

LayerEmission emitAdderGraphLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    const Graph g = arch::adder_graph::layerGraph(d);
    const arch::adder_graph::Pipeline p = arch::adder_graph::pipeline(g, d.pipelineEvery);
    const int64_t N = d.inputs, OUT = d.outputs;
    const int BA = d.inputBits, AB = d.accBits, OB = d.outBits();

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': " << ir::toString(layer.kind) << " dense " << N << " -> " << OUT
      << " (" << d.weightBits << "-bit weights, " << BA << "-bit input codes" << (d.inputScale == 2 ? ", bipolar" : "")
      << "), fully parallel\n";
    v << "// Adder graph: " << g.adders() << " adders shared by all outputs, depth " << g.depth()
      << (d.adderDepth > 0 ? " (bound " + std::to_string(d.adderDepth) + ")" : "") << "; registers every "
      << d.pipelineEvery << " levels" << (d.pipelineEvery == 0 ? " (none)" : "") << "; one inference per clock, "
      << layer.cycles << " cycles latency\n";
    v << "// Estimate: " << describeEstimate(layer.estimate) << "\n";
    v << "// Output: "
      << (d.raw ? "raw accumulators, " + std::to_string(OB) + "-bit two's complement"
                : std::to_string(OB) + "-bit requantised codes")
      << ". Interface: see the top module.\n";
    v << modulePorts(layer.module, N * BA, OUT * OB, true);
    v << "    reg [" << N * BA - 1 << ":0] x;\n    reg [" << OUT * OB - 1 << ":0] y;\n    assign out_data = y;\n";
    v << "    wire adv = !out_valid || out_ready;\n    assign in_ready = adv;\n\n";

    util::TextStream regs; // nonblocking assignments of the stage registers
    for (int32_t n = 0; n < int32_t(g.nodes.size()); ++n) {
        const int w = arch::adder_graph::nodeWidth(g, n);
        if (n < g.inputs) {
            v << "    wire [" << w - 1 << ":0] " << net(n, 0) << " = {1'b0, x[" << (n + 1) * BA - 1 << ":" << n * BA
              << "]};\n";
        } else {
            const arch::adder_graph::Node& node = g.nodes[size_t(n)];
            const int stage = p.stage[size_t(n)];
            std::string sum = term(g, node.a, stage - p.stage[size_t(node.a.node)], w) + " "
                + term(g, node.b, stage - p.stage[size_t(node.b.node)], w);
            if (sum.rfind("+ ", 0) == 0) sum = sum.substr(2);
            v << "    wire [" << w - 1 << ":0] " << net(n, 0) << " = " << sum << ";\n";
        }
        for (int k = 1; k <= p.delays[size_t(n)]; ++k) {
            v << "    reg [" << w - 1 << ":0] " << net(n, k) << ";\n";
            regs << "            " << net(n, k) << " <= " << net(n, k - 1) << ";\n";
        }
    }
    v << "\n";
    for (int64_t o = 0; o < OUT; ++o) {
        const auto& out = g.outputs[size_t(o)];
        if (!out) {
            v << "    wire [" << AB - 1 << ":0] s_" << o << " = " << AB << "'d0;\n";
            continue;
        }
        // S fits accBits; the node may be wider (its bound is looser), so the value is formed wide and truncated.
        const int w = std::max(AB, arch::adder_graph::nodeWidth(g, out->node) + out->shift);
        std::string value = term(g, *out, p.stages - p.stage[size_t(out->node)], w);
        if (!out->negative) value = value.substr(2);
        if (w > AB) {
            v << "    wire [" << w - 1 << ":0] w_s" << o << " = " << value << ";\n";
            value = "w_s" + std::to_string(o) + "[" + std::to_string(AB - 1) + ":0]";
        }
        v << "    wire [" << AB - 1 << ":0] s_" << o << " = " << value << ";\n";
    }
    v << "\n";
    emitDenseOutputs(v, d, OUT, [](int64_t o) { return "s_" + std::to_string(o); });
    const int stages = p.stages;
    emitPipelineTail(v, stages, regs.str(), OUT);

    LayerEmission e;
    e.verilog = v.str();
    e.details = { { "adders", g.adders() }, { "depth", g.depth() }, { "adderDepth", d.adderDepth },
        { "pipelineEvery", d.pipelineEvery }, { "stages", stages }, { "inputBits", BA }, { "accBits", AB },
        { "outputBits", OB }, { "raw", d.raw } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
