// A whole-vector layer at the end of a streaming design (Dense/Gemm after the last map, argmax): LOAD writes each
// beat's channels into the layer's input vector where the stream's order puts them (the Flatten's C order), FEED
// hands the vector to the layer's own module (emitted as for a whole-vector design, named <module>_whole), WAIT
// sends its output vector as one beat and returns to LOAD for the next frame.

#include "rtl/stream/emit_stream.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl::stream {

std::string emitStreamFrame(const arch::HwLayer& layer, const arch::stream::StreamLayer& s)
{
    const int64_t C = s.in.channels, B = s.in.bits, P = s.in.pixels(), N = C * P;
    arch::HwLayer whole = layer;
    whole.module = layer.module + "_whole";
    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': " << (layer.argmax ? "argmax" : toString(layer.kind))
      << " on the whole " << C << "x" << s.in.height << "x" << s.in.width << " map (" << N << " codes of " << B
      << " bits), collected from\n// its " << P << " beats, then " << whole.module << " (" << layer.outputCount
      << " outputs of " << layer.outputBits << " bits as one beat).\n";
    v << handshakeModuleHeader(layer.module, C * B, s.out.beatBits(), false);
    v << "    localparam S_LOAD = 2'd0, S_FEED = 2'd1, S_WAIT = 2'd2;\n    reg [1:0] state;\n";
    v << "    reg " << range(N * B - 1, 0) << " vec;\n    reg " << range(bitsFor(P) - 1, 0) << " pix;\n";
    v << "    assign in_ready = state == S_LOAD;\n    wire take = in_valid && in_ready;\n";
    v << "    wire core_in_ready, core_out_valid;\n    assign out_valid = state == S_WAIT && core_out_valid;\n";
    v << "    " << whole.module << " u_whole (\n        .clk(clk),\n        .rst(rst),\n"
      << "        .in_valid(state == S_FEED),\n        .in_ready(core_in_ready),\n        .in_data(vec),\n"
      << "        .out_valid(core_out_valid),\n        .out_ready(state == S_WAIT && out_ready),\n"
      << "        .out_data(out_data)\n    );\n";
    v << "    always @(posedge clk) begin\n        if (take) begin\n";
    if (s.in.order == arch::stream::Order::ChannelsLast) // element p * C + c: the beat is contiguous
        v << "            vec[pix * " << C * B << " +: " << C * B << "] <= in_data;\n";
    else // element c * P + p
        for (int64_t c = 0; c < C; ++c)
            v << "            vec[(" << c * P << " + pix) * " << B << " +: " << B << "] <= in_data[" << c * B
              << " +: " << B << "];\n";
    v << "        end\n    end\n";
    v << "    always @(posedge clk) begin\n        if (rst) begin\n            state <= S_LOAD;\n"
      << "            pix <= 0;\n        end else begin\n            case (state)\n"
      << "            S_LOAD: if (take) begin\n                if (pix == " << P - 1 << ") begin\n"
      << "                    pix <= 0;\n                    state <= S_FEED;\n"
      << "                end else begin\n                    pix <= pix + 1'b1;\n                end\n            "
         "end\n"
      << "            S_FEED: if (core_in_ready) state <= S_WAIT;\n"
      << "            S_WAIT: if (core_out_valid && out_ready) state <= S_LOAD;\n"
      << "            default: state <= S_LOAD;\n            endcase\n        end\n    end\nendmodule\n\n";
    return v.str() + emitLayerModule(whole);
}

} // namespace luthier::rtl::stream
