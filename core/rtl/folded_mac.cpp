#include "rtl/folded_mac.h"

#include "rtl/dense_outputs.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl {

std::string emitFoldedMac(const arch::HwLayer& layer, const FoldedProduct& product)
{
    const arch::DenseDatapath& d = *layer.dense;
    const int64_t N = d.inputs, OUT = d.outputs;
    const int P = d.parallel, BA = d.inputBits, AB = d.accBits, OB = d.outBits(), WB = product.wordBits;
    const int64_t BLK = (OUT + P - 1) / P, DEPTH = BLK * N;
    const int IW = bitsFor(N - 1), BW = bitsFor(BLK - 1), AW = bitsFor(DEPTH - 1), PB = product.productBits;

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': " << ir::toString(layer.kind) << " dense " << N << " -> " << OUT
      << " (" << d.weightBits << "-bit weights, " << BA << "-bit input codes" << (d.inputScale == 2 ? ", bipolar" : "")
      << ")\n";
    v << "// " << P << " lanes x " << BLK << " blocks, one input per clock: " << product.description << "\n";
    v << "// Estimate: " << describeEstimate(layer.estimate) << "; " << layer.cycles << " cycles per inference\n";
    v << "// Output: "
      << (d.raw ? "raw accumulators, " + std::to_string(OB) + "-bit two's complement"
                : std::to_string(OB) + "-bit requantised codes")
      << ". Interface: see the top module.\n";
    v << modulePorts(layer.module, N * BA, OUT * OB, true);

    v << "    reg [" << N * BA - 1 << ":0] x;\n    reg [" << OUT * OB - 1 << ":0] y;\n    assign out_data = y;\n";
    v << "    reg busy, issue, v1, first1, last1, v2, fin;\n";
    v << "    reg [" << IW - 1 << ":0] i;\n    reg [" << BW - 1 << ":0] blk, blk1, blk2;\n";
    v << "    reg [" << AW - 1 << ":0] addr;\n";
    v << "    assign in_ready = !busy && !out_valid;\n\n";

    // The input code of step i: an explicit multiplexer (an indexed part-select would be a barrel shifter).
    v << "    reg [" << BA - 1 << ":0] code;\n    always @* begin\n        case (i)\n";
    for (int64_t k = 0; k < N; ++k)
        v << "            " << IW << "'d" << k << ": code = x[" << (k + 1) * BA - 1 << ":" << k * BA << "];\n";
    v << "            default: code = " << BA << "'d0;\n        endcase\n    end\n\n";

    // Weight ROM: address blk * N + i, word = every lane's encoded weight (lanes past the last output: 0).
    std::vector<std::vector<uint8_t>> words;
    for (int64_t b = 0; b < BLK; ++b)
        for (int64_t k = 0; k < N; ++k) {
            std::vector<uint8_t> word(size_t(P) * size_t(WB), 0);
            for (int p = 0; p < P; ++p) {
                const int64_t o = b * P + p;
                putBits(word, size_t(p) * size_t(WB), o < OUT ? product.encode(d.weight(o, k)) : product.encode(0), WB);
            }
            words.push_back(std::move(word));
        }
    romFunction(v, "weight_rom", words, P * WB, AW);
    v << "    reg [" << BA - 1 << ":0] a1;\n    reg [" << P * WB - 1 << ":0] w1;\n\n";

    for (int p = 0; p < P; ++p) {
        const std::string word = "w1[" + std::to_string((p + 1) * WB - 1) + ":" + std::to_string(p * WB) + "]";
        v << product.product(p, word, "a1");
        const std::string ext = PB >= AB ? "prod_" + std::to_string(p) + "[" + std::to_string(AB - 1) + ":0]"
                                         : signExtend("prod_" + std::to_string(p), PB, AB);
        v << "    reg [" << AB - 1 << ":0] acc_" << p << ";\n";
        v << "    wire [" << AB - 1 << ":0] next_" << p << " = (first1 ? " << AB << "'d0 : acc_" << p << ") + " << ext
          << ";\n";
    }

    // S per output: the lane accumulator itself with one block, else a register filled at the end of each block.
    auto sumNet = [&](int64_t o) { return BLK == 1 ? "acc_" + std::to_string(o) : "s_" + std::to_string(o); };
    if (BLK > 1)
        for (int64_t o = 0; o < OUT; ++o)
            v << "    reg [" << AB - 1 << ":0] s_" << o << ";\n";
    v << "\n";
    emitDenseOutputs(v, d, OUT, sumNet);

    v << "\n    always @(posedge clk) begin\n        if (rst) begin\n            busy <= 1'b0;\n"
      << "            issue <= 1'b0;\n            v1 <= 1'b0;\n            v2 <= 1'b0;\n            fin <= 1'b0;\n"
      << "            out_valid <= 1'b0;\n        end else begin\n"
      << "            if (out_valid && out_ready)\n                out_valid <= 1'b0;\n";
    v << "            if (in_valid && in_ready) begin\n                x <= in_data;\n                busy <= 1'b1;\n"
      << "                issue <= 1'b1;\n                i <= 0;\n                blk <= 0;\n                addr <= "
         "0;\n"
      << "            end\n";
    // Issue: read the code and the weights of step (blk, i).
    v << "            v1 <= issue;\n            if (issue) begin\n                a1 <= code;\n"
      << "                w1 <= weight_rom(addr);\n                first1 <= i == 0;\n                last1 <= i == "
      << IW << "'d" << N - 1 << ";\n                blk1 <= blk;\n                addr <= addr + 1'b1;\n";
    v << "                if (i == " << IW << "'d" << N - 1 << ") begin\n                    i <= 0;\n"
      << "                    blk <= blk + 1'b1;\n                    if (blk == " << BW << "'d" << BLK - 1
      << ")\n                        issue <= 1'b0;\n                end else begin\n"
      << "                    i <= i + 1'b1;\n                end\n            end\n";
    // Accumulate.
    v << "            v2 <= v1 && last1;\n            blk2 <= blk1;\n            if (v1) begin\n";
    for (int p = 0; p < P; ++p)
        v << "                acc_" << p << " <= next_" << p << ";\n";
    v << "            end\n";
    // End of a block: its sums are final in acc.
    v << "            fin <= v2 && blk2 == " << BW << "'d" << BLK - 1 << ";\n";
    if (BLK > 1) {
        v << "            if (v2) begin\n";
        for (int64_t b = 0; b < BLK; ++b) {
            v << "                if (blk2 == " << BW << "'d" << b << ") begin\n";
            for (int p = 0; p < P && b * P + p < OUT; ++p)
                v << "                    s_" << b * P + p << " <= acc_" << p << ";\n";
            v << "                end\n";
        }
        v << "            end\n";
    }
    v << "            if (fin) begin\n                y <= " << packedOutputs(OUT) << ";\n"
      << "                out_valid <= 1'b1;\n                busy <= 1'b0;\n            end\n";
    v << "        end\n    end\nendmodule\n";
    return v.str();
}

} // namespace luthier::rtl
