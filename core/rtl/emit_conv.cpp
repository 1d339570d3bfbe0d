// The conv wrapper: a folded sequencer around the layer's dense datapath (arch/map_conv.h).
//
//   load     in_valid && in_ready: the input map (CHW codes) is stored as one word per pixel
//   gather   one kernel tap per cycle: the pixel at (oy*SH - PT + ky*DH, ox*SW - PL + kx*DW), or the pad
//            code on every channel outside the map, goes into the window register
//   feed     the window, reordered to the weights' (ci, ky, kx) order, is handed to the datapath
//   wait     the datapath's output channels are written to the output map at (oy, ox)
//   done     after the last position the output map (CHW) is presented until out_ready
// One position at a time, so cycles = 1 + positions * (KH*KW + 1 + datapath cycles + 1) + 1.

#include "rtl/emit_dataflow.h"
#include "rtl/verilog_text.h"
#include "util/error.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl {

std::string emitConvWrapper(const arch::HwLayer& layer)
{
    const arch::ConvGeometry& g = *layer.conv;
    const int64_t C = g.inChannels, H = g.inHeight, W = g.inWidth, B = g.inputBits;
    const int64_t CO = g.outChannels, HO = g.outHeight, WO = g.outWidth, OB = g.outputBits;
    const int64_t KH = g.kernelH, KW = g.kernelW, PX = C * B;
    const int64_t inBits = C * H * W * B, outBits = CO * HO * WO * OB;
    if (inBits > kMaxBusBits || outBits > kMaxBusBits)
        throw Error("RTL: conv layer '" + layer.name + "' has feature maps of " + std::to_string(inBits) + " and "
            + std::to_string(outBits) + " bits; the whole-vector layer interface is limited to "
            + std::to_string(kMaxBusBits) + " bits (mapping, estimates and placement work at any size)");
    const int OYW = bitsFor(HO), OXW = bitsFor(WO), KYW = bitsFor(KH), KXW = bitsFor(KW);

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': convolution " << C << "x" << H << "x" << W << " -> " << CO
      << "x" << HO << "x" << WO << ", kernel " << KH << "x" << KW << ", stride " << g.strideH << "x" << g.strideW
      << ", pad " << g.padTop << "," << g.padLeft << ", dilation " << g.dilationH << "x" << g.dilationW << ", groups "
      << g.groups << "\n";
    v << "// Folded: one output position at a time through the dense datapath " << g.coreModule << " ("
      << toString(layer.kind) << ", " << g.windowSize() << " -> " << CO << " per position).\n";
    v << "// Estimate (wrapper + datapath): " << layer.estimate.lut << " LUT, " << layer.estimate.ff << " FF, "
      << layer.estimate.bram << " BRAM36; " << layer.cycles << " cycles per inference.\n";
    v << "// States: load the map, gather KH*KW taps (pad code " << g.padCode << " outside), feed the datapath, write"
      << " its result at (oy, ox); after the last position present the output map. Interface: see the top.\n";
    v << handshakeModuleHeader(layer.module, inBits, outBits, true);
    v << "    localparam S_IDLE = 3'd0, S_GATHER = 3'd1, S_FEED = 3'd2, S_WAIT = 3'd3, S_DONE = 3'd4;\n";
    v << "    reg [2:0] state;\n    assign in_ready = state == S_IDLE;\n";
    v << "    reg " << range(PX - 1, 0) << " fmap [0:" << H * W - 1 << "]; // input map, one pixel per word\n";
    v << "    reg " << range(outBits - 1, 0) << " y;\n    assign out_data = y;\n";
    v << "    reg " << range(KH * KW * PX - 1, 0) << " win; // tap (ky, kx) in word ky*" << KW << "+kx\n";
    v << "    reg " << range(OYW - 1, 0) << " oy;\n    reg " << range(OXW - 1, 0) << " ox;\n";
    v << "    reg " << range(KYW - 1, 0) << " ky;\n    reg " << range(KXW - 1, 0) << " kx;\n";

    // The input map in pixel-major order (channel c of pixel p in bits [(p*C + c)*B +: B]).
    v << "    wire " << range(inBits - 1, 0) << " pixels;\n";
    for (int64_t p = 0; p < H * W; ++p)
        for (int64_t c = 0; c < C; ++c)
            v << "    assign pixels" << range((p * C + c + 1) * B - 1, (p * C + c) * B) << " = in_data"
              << range((c * H * W + p + 1) * B - 1, (c * H * W + p) * B) << ";\n";

    v << "    integer iy, ix, pos, i;\n    always @* begin\n"
      << "        iy = $signed({1'b0, oy}) * " << g.strideH << " - " << g.padTop << " + $signed({1'b0, ky}) * "
      << g.dilationH << ";\n"
      << "        ix = $signed({1'b0, ox}) * " << g.strideW << " - " << g.padLeft << " + $signed({1'b0, kx}) * "
      << g.dilationW << ";\n"
      << "        pos = oy * " << WO << " + ox;\n    end\n";
    v << "    wire in_map = iy >= 0 && iy < " << H << " && ix >= 0 && ix < " << W << ";\n";
    v << "    wire " << range(PX - 1, 0) << " tap = in_map ? fmap[in_map ? iy * " << W << " + ix : 0] : {" << C << "{"
      << B << "'d" << g.padCode << "}};\n";

    // Window in the datapath's (ci, ky, kx) order.
    v << "    wire " << range(g.windowSize() * B - 1, 0) << " col;\n";
    for (int64_t c = 0; c < C; ++c)
        for (int64_t t = 0; t < KH * KW; ++t) {
            const int64_t e = c * KH * KW + t;
            v << "    assign col" << range((e + 1) * B - 1, e * B) << " = win"
              << range(t * PX + (c + 1) * B - 1, t * PX + c * B) << ";\n";
        }
    v << "    wire core_in_ready, core_out_valid;\n    wire " << range(CO * OB - 1, 0) << " core_out;\n";
    v << "    " << g.coreModule << " u_core (\n        .clk(clk),\n        .rst(rst),\n"
      << "        .in_valid(state == S_FEED),\n        .in_ready(core_in_ready),\n        .in_data(col),\n"
      << "        .out_valid(core_out_valid),\n        .out_ready(state == S_WAIT),\n        .out_data(core_out)\n"
      << "    );\n\n";

    v << "    always @(posedge clk) begin\n        if (rst) begin\n            state <= S_IDLE;\n"
      << "            out_valid <= 1'b0;\n        end else begin\n            case (state)\n";
    v << "            S_IDLE: if (in_valid) begin\n"
      << "                for (i = 0; i < " << H * W << "; i = i + 1)\n"
      << "                    fmap[i] <= pixels[i * " << PX << " +: " << PX << "];\n"
      << "                oy <= 0;\n                ox <= 0;\n                ky <= 0;\n                kx <= 0;\n"
      << "                state <= S_GATHER;\n            end\n";
    v << "            S_GATHER: begin\n"
      << "                win[(ky * " << KW << " + kx) * " << PX << " +: " << PX << "] <= tap;\n"
      << "                if (kx == " << KW - 1 << ") begin\n                    kx <= 0;\n"
      << "                    if (ky == " << KH - 1 << ") begin\n                        ky <= 0;\n"
      << "                        state <= S_FEED;\n                    end else begin\n"
      << "                        ky <= ky + 1'b1;\n                    end\n"
      << "                end else begin\n                    kx <= kx + 1'b1;\n                end\n            end\n";
    v << "            S_FEED: if (core_in_ready) state <= S_WAIT;\n";
    v << "            S_WAIT: if (core_out_valid) begin\n";
    for (int64_t c = 0; c < CO; ++c)
        v << "                y[(" << c * HO * WO << " + pos) * " << OB << " +: " << OB << "] <= core_out"
          << range((c + 1) * OB - 1, c * OB) << ";\n";
    v << "                state <= S_GATHER;\n"
      << "                if (ox == " << WO - 1 << ") begin\n                    ox <= 0;\n"
      << "                    if (oy == " << HO - 1 << ") begin\n                        oy <= 0;\n"
      << "                        state <= S_DONE;\n                        out_valid <= 1'b1;\n"
      << "                    end else begin\n                        oy <= oy + 1'b1;\n                    end\n"
      << "                end else begin\n                    ox <= ox + 1'b1;\n                end\n            end\n";
    v << "            S_DONE: if (out_ready) begin\n                out_valid <= 1'b0;\n"
      << "                state <= S_IDLE;\n            end\n";
    v << "            default: state <= S_IDLE;\n            endcase\n        end\n    end\nendmodule\n\n";

    return v.str();
}

} // namespace luthier::rtl
