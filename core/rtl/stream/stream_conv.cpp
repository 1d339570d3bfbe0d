// The streaming window unit of Conv and MaxPool: a circular line buffer of R rows (a power of two above the kernel's
// row extent) takes the input pixels in raster order; for each output position, once every input row its window touches
// has arrived, the window is read one tap per cycle (registered read, so the buffer can be block RAM), reordered to the
// weights' (ci, ky, kx) order and handed to the layer's dense datapath, whose output channels leave as one beat. Input
// row r is accepted only while r < first + R (first: the lowest row the current window reads), so a row is never
// overwritten while it is needed and the next row streams in while the current one computes.
//
//   ROWS    wait until the rows of output row oy have arrived
//   GATHER  issue one tap read per cycle (pad code outside the map)
//   LAST    the last read lands in the window
//   FEED    hand the window to the datapath
//   WAIT    the datapath's result is the output beat; taken -> next position
//   FLUSH   after the last position: take the frame's remaining input rows, then start the next frame

#include "rtl/stream/emit_stream.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl::stream {

std::string emitStreamWindow(const arch::HwLayer& layer, const arch::stream::StreamLayer& s)
{
    const arch::ConvGeometry& g = s.window;
    const bool average = s.kind == arch::stream::StreamKind::AvgPool;
    const bool pool = s.kind == arch::stream::StreamKind::MaxPool || average;
    const int64_t C = g.inChannels, H = g.inHeight, W = g.inWidth, B = g.inputBits;
    const int64_t CO = g.outChannels, HO = g.outHeight, WO = g.outWidth, OB = g.outputBits;
    const int64_t KH = g.kernelH, KW = g.kernelW, PX = C * B, R = s.lineBufferRows;
    const int64_t extent = (KH - 1) * g.dilationH + 1;
    const int RW = bitsFor(H), CW = bitsFor(W), OYW = bitsFor(HO), OXW = bitsFor(WO), KYW = bitsFor(KH),
              KXW = bitsFor(KW), TW = bitsFor(KH * KW), AW = bitsFor(R * W - 1);

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': streaming "
      << (average       ? "average pooling "
                 : pool ? "max pooling "
                        : "convolution ")
      << C << "x" << H << "x" << W << " -> " << CO << "x" << HO << "x" << WO << ", kernel " << KH << "x" << KW
      << ", stride " << g.strideH << "x" << g.strideW << ", pad " << g.padTop << "," << g.padLeft << ", dilation "
      << g.dilationH << "x" << g.dilationW << ", groups " << g.groups << "\n";
    v << "// One pixel (" << C << " codes of " << B << " bits) per input beat, one output pixel (" << CO
      << " values of " << OB << " bits) per output beat, raster order. Line buffer " << R << " rows x " << W
      << " pixels = " << s.lineBufferBits << " bits (" << (s.lineBufferInBram ? "block RAM" : "LUTRAM") << "); ";
    if (average)
        v << "each window's sum per channel over its taps inside the map, through the output stage, is the output "
             "pixel.\n";
    else if (pool)
        v << "each window's largest code per channel is the output pixel.\n";
    else
        v << "each window goes to " << g.coreModule << " (" << toString(layer.kind) << ", " << g.windowSize() << " -> "
          << CO << ").\n";
    v << "// Estimate of this wrapper: " << describeEstimate(s.estimate) << "; " << s.cyclesPerPixel
      << " cycles per output pixel, " << s.cyclesPerFrame << " per frame.\n";
    v << handshakeModuleHeader(layer.module, PX, CO * OB, false);
    v << "    localparam S_ROWS = 3'd0, S_GATHER = 3'd1, S_LAST = 3'd2, S_FEED = 3'd3, S_WAIT = 3'd4, S_FLUSH = "
         "3'd5;\n";
    v << "    reg [2:0] state;\n";
    v << "    reg " << range(PX - 1, 0) << " lb [0:" << R * W - 1 << "]; // row r in slot r % " << R << "\n";
    v << "    reg " << range(RW - 1, 0) << " in_row; // input rows complete\n    reg " << range(CW - 1, 0)
      << " in_col;\n";
    v << "    reg " << range(OYW - 1, 0) << " oy;\n    reg " << range(OXW - 1, 0) << " ox;\n";
    v << "    reg " << range(KYW - 1, 0) << " ky;\n    reg " << range(KXW - 1, 0) << " kx;\n";
    v << "    reg " << range(KH * KW * PX - 1, 0) << " win; // tap (ky, kx) in word ky*" << KW << "+kx\n";
    v << "    reg " << range(PX - 1, 0) << " rd_data;\n    reg rd_valid, rd_in;\n    reg " << range(TW - 1, 0)
      << " rd_tap;\n";

    v << "    integer first, need, limit, iy, ix, waddr, raddr;\n    always @* begin\n"
      << "        first = $signed({1'b0, oy}) * " << g.strideH << " - " << g.padTop << ";\n"
      << "        need = first + " << extent << ";\n"
      << "        if (need > " << H << ") need = " << H << ";\n"
      << "        if (first < 0) first = 0;\n"
      << "        limit = state == S_FLUSH ? " << H << " : first + " << R << ";\n"
      << "        iy = $signed({1'b0, oy}) * " << g.strideH << " - " << g.padTop << " + $signed({1'b0, ky}) * "
      << g.dilationH << ";\n"
      << "        ix = $signed({1'b0, ox}) * " << g.strideW << " - " << g.padLeft << " + $signed({1'b0, kx}) * "
      << g.dilationW << ";\n"
      << "        waddr = (in_row % " << R << ") * " << W << " + in_col;\n"
      << "        raddr = (iy >= 0 && iy < " << H << " && ix >= 0 && ix < " << W << ") ? (iy % " << R << ") * " << W
      << " + ix : 0;\n    end\n";
    v << "    wire in_map = iy >= 0 && iy < " << H << " && ix >= 0 && ix < " << W << ";\n";
    v << "    assign in_ready = in_row < " << H << " && in_row < limit;\n";
    v << "    wire take = in_valid && in_ready;\n";

    if (average) {
        // Taps outside the map add nothing (the golden model skips them); inmap marks the taps inside.
        v << "    reg " << range(KH * KW - 1, 0) << " inmap;\n";
        v << "    always @(posedge clk) if (rd_valid) inmap[rd_tap] <= rd_in;\n";
        v << "    wire core_in_ready = 1'b1, core_out_valid = 1'b1;\n";
        v << "    assign out_valid = state == S_WAIT;\n";
        const arch::DataBlock& b = *layer.block;
        v << blockOutput(
            b, C,
            [&](int64_t c) {
                std::string sum;
                for (int64_t t = 0; t < KH * KW; ++t)
                    sum += std::string(t ? " + " : "") + "(inmap[" + std::to_string(t) + "] ? $signed({1'b0, win["
                        + std::to_string(t * PX + c * B) + " +: " + std::to_string(B) + "]}) * "
                        + std::to_string(b.scale[0]) + " + " + std::to_string(b.offset[0]) + " : 0)";
                return sum;
            },
            "out_data");
    } else if (pool) {
        // Codes order like their integers, so the largest code is the largest value; the pad code 0 never wins.
        v << "    wire core_in_ready = 1'b1, core_out_valid = 1'b1;\n";
        v << "    assign out_valid = state == S_WAIT;\n";
        v << "    reg " << range(PX - 1, 0) << " best;\n    integer t, c;\n    always @* begin\n"
          << "        best = win" << range(PX - 1, 0) << ";\n"
          << "        for (t = 1; t < " << KH * KW << "; t = t + 1)\n"
          << "            for (c = 0; c < " << C << "; c = c + 1)\n"
          << "                if (win[t * " << PX << " + c * " << B << " +: " << B << "] > best[c * " << B
          << " +: " << B << "])\n"
          << "                    best[c * " << B << " +: " << B << "] = win[t * " << PX << " + c * " << B
          << " +: " << B << "];\n    end\n"
          << requantise(*layer.block, std::vector<int32_t>(size_t(C), 0), B, "best", "out_data");
    } else {
        // Window in the datapath's (ci, ky, kx) order.
        v << "    wire " << range(g.windowSize() * B - 1, 0) << " col;\n";
        for (int64_t c = 0; c < C; ++c)
            for (int64_t t = 0; t < KH * KW; ++t) {
                const int64_t e = c * KH * KW + t;
                v << "    assign col" << range((e + 1) * B - 1, e * B) << " = win"
                  << range(t * PX + (c + 1) * B - 1, t * PX + c * B) << ";\n";
            }
        v << "    wire core_in_ready, core_out_valid;\n";
        v << "    assign out_valid = state == S_WAIT && core_out_valid;\n";
        v << "    " << g.coreModule << " u_core (\n        .clk(clk),\n        .rst(rst),\n"
          << "        .in_valid(state == S_FEED),\n        .in_ready(core_in_ready),\n        .in_data(col),\n"
          << "        .out_valid(core_out_valid),\n        .out_ready(state == S_WAIT && out_ready),\n"
          << "        .out_data(out_data)\n    );\n\n";
    }

    v << "    always @(posedge clk) begin\n"
      << "        if (take) lb[waddr" << range(AW - 1, 0) << "] <= in_data;\n"
      << "        rd_data <= lb[raddr" << range(AW - 1, 0) << "];\n"
      << "        if (rd_valid) win[rd_tap * " << PX << " +: " << PX << "] <= rd_in ? rd_data : {" << C << "{" << B
      << "'d" << g.padCode << "}};\n    end\n";

    v << "    always @(posedge clk) begin\n        if (rst) begin\n            state <= S_ROWS;\n"
      << "            in_row <= 0;\n            in_col <= 0;\n            oy <= 0;\n            ox <= 0;\n"
      << "            ky <= 0;\n            kx <= 0;\n            rd_valid <= 1'b0;\n        end else begin\n";
    v << "            if (take) begin\n                if (in_col == " << W - 1 << ") begin\n"
      << "                    in_col <= 0;\n                    in_row <= in_row + 1'b1;\n"
      << "                end else begin\n                    in_col <= in_col + 1'b1;\n                end\n"
      << "            end\n";
    v << "            rd_valid <= state == S_GATHER;\n            rd_in <= in_map;\n"
      << "            rd_tap <= ky * " << KW << " + kx;\n";
    v << "            case (state)\n";
    v << "            S_ROWS: if (in_row >= need) state <= S_GATHER;\n";
    v << "            S_GATHER: begin\n"
      << "                if (kx == " << KW - 1 << ") begin\n                    kx <= 0;\n"
      << "                    if (ky == " << KH - 1 << ") begin\n                        ky <= 0;\n"
      << "                        state <= S_LAST;\n                    end else begin\n"
      << "                        ky <= ky + 1'b1;\n                    end\n"
      << "                end else begin\n                    kx <= kx + 1'b1;\n                end\n            end\n";
    v << "            S_LAST: state <= S_FEED;\n";
    v << "            S_FEED: if (core_in_ready) state <= S_WAIT;\n";
    v << "            S_WAIT: if (core_out_valid && out_ready) begin\n                state <= S_ROWS;\n"
      << "                if (ox == " << WO - 1 << ") begin\n                    ox <= 0;\n"
      << "                    if (oy == " << HO - 1 << ") begin\n                        oy <= 0;\n"
      << "                        state <= S_FLUSH;\n                    end else begin\n"
      << "                        oy <= oy + 1'b1;\n                    end\n"
      << "                end else begin\n                    ox <= ox + 1'b1;\n                end\n            end\n";
    // in_ready is low once the frame's rows are all in, so no beat arrives while the counters restart.
    v << "            S_FLUSH: if (in_row == " << H << ") begin\n                in_row <= 0;\n"
      << "                in_col <= 0;\n                state <= S_ROWS;\n            end\n";
    v << "            default: state <= S_ROWS;\n            endcase\n        end\n    end\nendmodule\n\n";
    return v.str();
}

std::string emitStreamPass(const arch::HwLayer& layer, const arch::stream::StreamLayer& s)
{
    const bool concat = s.kind == arch::stream::StreamKind::Concat;
    const int64_t inWidth = concat ? s.out.channels * s.in.bits : s.in.beatBits(), width = s.out.beatBits();
    util::TextStream v;
    if (concat) {
        v << "// Layer '" << commentText(layer.name) << "': channel concatenation to a " << s.out.channels << "x"
          << s.out.height << "x" << s.out.width << " map. The top joins the inputs' beats (input 0 in the low\n"
          << "// bits), which is the concatenated pixel; each channel is rescaled and requantised as the block says.\n";
    } else
        v << "// Layer '" << commentText(layer.name) << "': layout change of a " << s.in.channels << "x" << s.in.height
          << "x" << s.in.width << " map between channels first and last. A stream carries every channel of a pixel\n"
          << "// per beat either way, so the beats pass unchanged.\n";
    v << handshakeModuleHeader(layer.module, inWidth, width, false);
    v << "    assign out_valid = in_valid;\n    assign in_ready = out_ready;\n";
    if (concat) { // channel c of the joined pixel comes from input port[c], rescaled and requantised
        std::vector<int32_t> ports;
        for (int64_t c = 0; c < s.out.channels; ++c)
            ports.push_back(layer.block->terms[size_t(layer.block->termStart[size_t(c * s.out.pixels())])].port);
        v << requantise(*layer.block, ports, s.in.bits, "in_data", "out_data");
    } else {
        v << "    assign out_data = in_data;\n";
    }
    v << "endmodule\n";
    return v.str();
}

} // namespace luthier::rtl::stream
