#include "rtl/parallel_sum.h"

#include "arch/map_dense.h"
#include "arch/tlmac/plan.h"
#include "rtl/dense_outputs.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <algorithm>
#include <sstream>

namespace luthier::rtl {

int signedWidth(int64_t lo, int64_t hi)
{
    return std::max(1, arch::tlmac::signedBitsFor(lo, hi));
}

void emitPipelineTail(std::ostream& v, int stages, const std::string& registers, int64_t outputs)
{
    for (int k = 0; k <= stages; ++k)
        v << "    reg v_" << k << ";\n";
    v << "\n    always @(posedge clk) begin\n        if (rst) begin\n";
    for (int k = 0; k <= stages; ++k)
        v << "            v_" << k << " <= 1'b0;\n";
    v << "            out_valid <= 1'b0;\n        end else if (adv) begin\n            v_0 <= in_valid;\n";
    for (int k = 1; k <= stages; ++k)
        v << "            v_" << k << " <= v_" << k - 1 << ";\n";
    v << "            out_valid <= v_" << stages << ";\n        end\n    end\n\n";
    // Data registers need no reset: the valid bits say when they matter.
    v << "    always @(posedge clk) begin\n        if (adv) begin\n            x <= in_data;\n";
    v << registers;
    v << "            y <= " << packedOutputs(outputs) << ";\n        end\n    end\nendmodule\n";
}

std::string emitParallelLayer(const arch::HwLayer& layer, const ParallelBody& body)
{
    const arch::DenseDatapath& d = *layer.dense;
    const int64_t N = d.inputs, OUT = d.outputs;
    const int BA = d.inputBits, AB = d.accBits, OB = d.outBits();
    const int every = d.pipelineEvery;

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': " << ir::toString(layer.kind) << " dense " << N << " -> " << OUT
      << " (" << d.weightBits << "-bit weights, " << BA << "-bit input codes" << (d.inputScale == 2 ? ", bipolar" : "")
      << "), fully parallel\n";
    v << body.description;
    v << "// Adder trees with pipeline registers every " << every << " levels"
      << (every == 0 ? " (none: products to output register in one clock)" : "") << "; one inference per clock, "
      << layer.cycles << " cycles latency\n";
    v << "// Estimate: " << describeEstimate(layer.estimate) << "\n";
    v << "// Output: "
      << (d.raw ? "raw accumulators, " + std::to_string(OB) + "-bit two's complement"
                : std::to_string(OB) + "-bit requantised codes")
      << ". Interface: see the top module.\n";
    v << modulePorts(layer.module, N * BA, OUT * OB, true);
    v << "    reg [" << N * BA - 1 << ":0] x;\n    reg [" << OUT * OB - 1 << ":0] y;\n    assign out_data = y;\n";
    v << "    wire adv = !out_valid || out_ready;\n    assign in_ready = adv;\n\n";
    v << body.products << "\n";

    // Trees: level by level, pairing neighbours; an odd node moves up unchanged. Every output's tree gets the same
    // number of levels (the deepest one's), so registered levels line up into common pipeline stages.
    size_t widest = 1;
    for (const auto& t : body.terms)
        widest = std::max(widest, t.size());
    const int levels = arch::ceilLog2(int64_t(widest));
    const int stages = arch::adderTreeStages(int64_t(widest), every);
    util::TextStream regs; // nonblocking assignments of the stage registers
    for (int64_t o = 0; o < OUT; ++o) {
        std::vector<SumTerm> level = body.terms[size_t(o)];
        if (level.empty()) level.push_back({ "1'b0", 0, 0 });
        for (int depth = 1; depth <= levels; ++depth) {
            const bool registered = every > 0 && depth % every == 0;
            if (level.size() == 1 && !registered) continue;
            std::vector<SumTerm> next;
            for (size_t k = 0; k < level.size(); k += 2) {
                SumTerm t;
                t.net = "n" + std::to_string(o) + "_" + std::to_string(depth) + "_" + std::to_string(k / 2);
                const bool pair = k + 1 < level.size();
                t.lo = level[k].lo + (pair ? level[k + 1].lo : 0);
                t.hi = level[k].hi + (pair ? level[k + 1].hi : 0);
                const int w = signedWidth(t.lo, t.hi);
                auto operand = [&](const SumTerm& s) { return signExtend(s.net, signedWidth(s.lo, s.hi), w); };
                const std::string sum = pair ? operand(level[k]) + " + " + operand(level[k + 1]) : operand(level[k]);
                if (registered) {
                    v << "    reg [" << w - 1 << ":0] " << t.net << ";\n";
                    regs << "            " << t.net << " <= " << sum << ";\n";
                } else {
                    v << "    wire [" << w - 1 << ":0] " << t.net << " = " << sum << ";\n";
                }
                next.push_back(std::move(t));
            }
            level = std::move(next);
        }
        // The tree's interval bounds can need more bits than accBits (exact S range of the layer); S itself always
        // fits, so a wider root is truncated (a negative replication count would be invalid Verilog).
        const int rootBits = signedWidth(level[0].lo, level[0].hi);
        v << "    wire [" << AB - 1 << ":0] s_" << o << " = "
          << (rootBits > AB ? level[0].net + "[" + std::to_string(AB - 1) + ":0]"
                            : signExtend(level[0].net, rootBits, AB))
          << ";\n";
    }
    v << "\n";
    emitDenseOutputs(v, d, OUT, [](int64_t o) { return "s_" + std::to_string(o); });
    emitPipelineTail(v, stages, regs.str(), OUT);
    return v.str();
}

} // namespace luthier::rtl
