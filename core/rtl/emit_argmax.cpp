// The argmax output block: a tournament over the values (pairs of neighbours, lower indices on the left; the
// right one wins only when strictly larger, so ties go to the first index as numpy's argmax does), then an
// output register. One inference per clock, one cycle of latency.

#include "rtl/layer_emitters.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl {

LayerEmission emitArgmaxLayer(const arch::HwLayer& layer)
{
    const arch::ArgmaxUnit& a = *layer.argmax;
    const int W = a.bits, IB = a.indexBits;
    util::TextStream v;
    v << "// Argmax output block: index of the largest of " << a.count << " " << W << "-bit "
      << (a.valuesSigned ? "signed" : "unsigned") << " values (first index on ties)"
      << (a.valueBits ? ", each first mapped to its real value's order by a per-channel multiplier and offset" : "")
      << ".\n";
    v << "// Estimate: " << describeEstimate(layer.estimate) << "; " << layer.cycles << " cycle latency\n";
    v << modulePorts(layer.module, a.count * W, IB, true);
    v << "    reg [" << IB - 1 << ":0] y;\n    assign out_data = y;\n";
    v << "    wire adv = !out_valid || out_ready;\n    assign in_ready = adv;\n";
    struct Node {
        std::string value, index;
    };
    std::vector<Node> level;
    const bool affine = a.valueBits > 0;
    const int CW = affine ? a.valueBits : W; // width of the compared values
    for (int64_t i = 0; i < a.count; ++i) {
        std::string value = "in_data[" + std::to_string((i + 1) * W - 1) + ":" + std::to_string(i * W) + "]";
        if (affine) {
            // The channel's real value, up to a common positive factor: multiplier * acc + offset.
            const std::string net = "av_" + std::to_string(i);
            v << "    wire signed [" << CW - 1 << ":0] " << net << " = $signed(" << value << ") * "
              << signedConst(a.multiplier[size_t(i)], CW) << " + " << signedConst(a.offset[size_t(i)], CW) << ";\n";
            value = net;
        }
        level.push_back({ value, std::to_string(IB) + "'d" + std::to_string(i) });
    }
    const std::string cast = a.valuesSigned || affine ? "$signed" : "";
    for (int depth = 0; level.size() > 1; ++depth) {
        std::vector<Node> next;
        for (size_t k = 0; k < level.size(); k += 2) {
            if (k + 1 == level.size()) {
                next.push_back(level[k]);
                continue;
            }
            const std::string n = std::to_string(depth) + "_" + std::to_string(k / 2);
            v << "    wire right_" << n << " = " << cast << "(" << level[k + 1].value << ") > " << cast << "("
              << level[k].value << ");\n";
            v << "    wire [" << CW - 1 << ":0] val_" << n << " = right_" << n << " ? " << level[k + 1].value << " : "
              << level[k].value << ";\n";
            v << "    wire [" << IB - 1 << ":0] idx_" << n << " = right_" << n << " ? " << level[k + 1].index << " : "
              << level[k].index << ";\n";
            next.push_back({ "val_" + n, "idx_" + n });
        }
        level = std::move(next);
    }
    v << "\n    always @(posedge clk) begin\n        if (rst)\n            out_valid <= 1'b0;\n"
      << "        else if (adv)\n            out_valid <= in_valid;\n        if (adv)\n            y <= "
      << level[0].index << ";\n    end\nendmodule\n";
    LayerEmission e;
    e.verilog = v.str();
    e.details = { { "count", a.count }, { "bits", W }, { "signed", a.valuesSigned }, { "indexBits", IB },
        { "multipliers", a.multiplier }, { "offsets", a.offset }, { "valueBits", a.valueBits } };
    e.detailsKey = "argmax";
    return e;
}

} // namespace luthier::rtl
