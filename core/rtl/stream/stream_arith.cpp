// Streaming blocks that sum (arch/stream/stream_plan.h): the residual Add of beats joined side by side, the
// GlobalAveragePool accumulator, and the output stage every summing block shares (DataBlock: thresholds of the
// channel, the carried code acc - carriedMin, or the raw accumulator).

#include "rtl/stream/emit_stream.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl::stream {

namespace {

std::string code(const std::string& in, int64_t offset, int64_t bits)
{
    return "$signed({1'b0, " + in + "[" + std::to_string(offset) + " +: " + std::to_string(bits) + "]})";
}

} // namespace

std::string blockOutput(
    const arch::DataBlock& b, int64_t channels, const std::function<std::string(int64_t)>& acc, const std::string& out)
{
    const int64_t OB = b.outputBits;
    util::TextStream v;
    v << "    reg " << range(channels * OB - 1, 0) << " q;\n    integer acc, n;\n    always @* begin\n"
      << "        q = 0;\n";
    for (int64_t c = 0; c < channels; ++c) {
        v << "        acc = " << acc(c) << ";\n";
        switch (b.output) {
        case arch::DataBlock::Output::Thresholds:
            v << "        n = 0;\n";
            for (int64_t level : b.levels[size_t(c)])
                v << "        if (" << (b.direction[size_t(c)] < 0 ? "-acc" : "acc") << " >= " << level
                  << ") n = n + 1;\n";
            v << "        q[" << c * OB << " +: " << OB << "] = n;\n";
            break;
        case arch::DataBlock::Output::Carried:
            v << "        q[" << c * OB << " +: " << OB << "] = acc - " << b.carriedMin << ";\n";
            break;
        case arch::DataBlock::Output::Raw: // two's complement, outputBits wide
            v << "        q[" << c * OB << " +: " << OB << "] = acc;\n";
            break;
        }
    }
    v << "    end\n    assign " << out << " = q;\n\n";
    return v.str();
}

std::string emitStreamAdd(const arch::HwLayer& layer, const arch::stream::StreamLayer& s)
{
    const arch::DataBlock& b = *layer.block;
    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': residual sum of " << s.inputs.size() << " " << s.out.channels
      << "x" << s.out.height << "x" << s.out.width << " maps. The top joins the inputs' beats (input 0 in the low\n"
      << "// bits); channel c of the output pixel is the sum of scale[j] * code + offset[j] over the inputs' channel "
         "c,\n"
      << "// then the block's output stage. One beat in, one beat out, no state.\n";
    v << handshakeModuleHeader(layer.module, s.inBeatBits(), s.out.beatBits(), false);
    v << "    assign out_valid = in_valid;\n    assign in_ready = out_ready;\n";
    v << blockOutput(
        b, s.out.channels,
        [&](int64_t c) {
            std::string sum;
            int64_t offset = 0;
            for (size_t j = 0; j < s.inputs.size(); ++j) {
                const int64_t bits = s.inputs[j].bits;
                sum += (sum.empty() ? "" : " + ") + code("in_data", offset + c * bits, bits) + " * "
                    + std::to_string(b.scale[j]) + " + " + std::to_string(b.offset[j]);
                offset += s.inputs[j].beatBits();
            }
            return sum;
        },
        "out_data");
    v << "endmodule\n";
    return v.str();
}

std::string emitStreamGlobalPool(const arch::HwLayer& layer, const arch::stream::StreamLayer& s)
{
    const arch::DataBlock& b = *layer.block;
    const int64_t C = s.in.channels, B = s.in.bits, P = s.in.pixels();
    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': global average pooling of a " << C << "x" << s.in.height << "x"
      << s.in.width << " map. One 32-bit sum per channel of scale * code + offset over the frame's " << P
      << " pixels\n// (the division is in the output stage's thresholds); after the last pixel the output stage's " << C
      << " values are one beat, held until taken.\n";
    v << handshakeModuleHeader(layer.module, s.in.beatBits(), s.out.beatBits(), false);
    v << "    reg " << range(C * 32 - 1, 0) << " sums;\n    reg " << range(bitsFor(P) - 1, 0)
      << " pix;\n    reg full;\n";
    v << "    assign in_ready = !full;\n    assign out_valid = full;\n    wire take = in_valid && in_ready;\n";
    v << blockOutput(
        b, C, [&](int64_t c) { return "$signed(sums[" + std::to_string(c * 32) + " +: 32])"; }, "out_data");
    v << "    always @(posedge clk) begin\n        if (rst) begin\n            pix <= 0;\n            full <= 1'b0;\n"
      << "        end else begin\n            if (take) begin\n";
    for (int64_t c = 0; c < C; ++c)
        v << "                sums[" << c * 32 << " +: 32] <= (pix == 0 ? 32'sd0 : $signed(sums[" << c * 32
          << " +: 32])) + " << code("in_data", c * B, B) << " * " << b.scale[0] << " + " << b.offset[0] << ";\n";
    v << "                if (pix == " << P - 1 << ") begin\n                    pix <= 0;\n"
      << "                    full <= 1'b1;\n                end else begin\n                    pix <= pix + 1'b1;\n"
      << "                end\n            end\n            if (full && out_ready) full <= 1'b0;\n        end\n    "
         "end\n"
      << "endmodule\n";
    return v.str();
}

} // namespace luthier::rtl::stream
