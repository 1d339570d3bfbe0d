// Streaming blocks without a window: nearest upsampling (one row buffered and replayed) and the FIFO a join
// puts in front of the branch that runs ahead (arch/stream/stream_plan.h, StreamLayer::fifoDepth).

#include "rtl/stream/emit_stream.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl::stream {

namespace {

} // namespace

std::string requantise(const arch::DataBlock& b, const std::vector<int32_t>& ports, int64_t inBits,
    const std::string& in, const std::string& out)
{
    if (b.output != arch::DataBlock::Output::Thresholds) return "    assign " + out + " = " + in + ";\n\n";
    return blockOutput(
        b, int64_t(ports.size()),
        [&](int64_t c) {
            const size_t port = size_t(ports[size_t(c)]);
            return "$signed({1'b0, " + in + "[" + std::to_string(c * inBits) + " +: " + std::to_string(inBits)
                + "]}) * " + std::to_string(b.scale[port]) + " + " + std::to_string(b.offset[port]);
        },
        out);
}

std::string emitStreamResize(const arch::HwLayer& layer, const arch::stream::StreamLayer& s)
{
    const int64_t PX = s.in.beatBits(), W = s.in.width, SH = s.scaleH, SW = s.scaleW, OX = s.out.beatBits();
    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': nearest upsampling of a " << s.in.channels << "x" << s.in.height
      << "x" << W << " map by " << SH << "x" << SW << ". LOAD takes one input row into the row\n"
      << "// buffer (" << s.lineBufferBits << " bits); EMIT sends it " << SH << " times, each pixel " << SW
      << " times, then LOAD takes the next row.\n";
    v << handshakeModuleHeader(layer.module, PX, OX, false);
    v << "    reg " << range(PX - 1, 0) << " row [0:" << W - 1 << "];\n    reg emit;\n";
    v << "    reg " << range(bitsFor(W) - 1, 0) << " col;\n    reg " << range(bitsFor(SW) - 1, 0) << " sub;\n    reg "
      << range(bitsFor(SH) - 1, 0) << " rep;\n";
    v << "    assign in_ready = !emit;\n    assign out_valid = emit;\n    wire " << range(PX - 1, 0)
      << " pixel = row[col];\n"
      << requantise(*layer.block, std::vector<int32_t>(size_t(s.in.channels), 0), s.in.bits, "pixel", "out_data");
    v << "    always @(posedge clk) begin\n        if (rst) begin\n            emit <= 1'b0;\n            col <= 0;\n"
      << "            sub <= 0;\n            rep <= 0;\n        end else if (!emit) begin\n"
      << "            if (in_valid) begin\n                row[col] <= in_data;\n"
      << "                if (col == " << W - 1 << ") begin\n                    col <= 0;\n"
      << "                    emit <= 1'b1;\n                end else begin\n                    col <= col + 1'b1;\n"
      << "                end\n            end\n        end else if (out_ready) begin\n"
      << "            if (sub == " << SW - 1 << ") begin\n                sub <= 0;\n"
      << "                if (col == " << W - 1 << ") begin\n                    col <= 0;\n"
      << "                    if (rep == " << SH - 1 << ") begin\n                        rep <= 0;\n"
      << "                        emit <= 1'b0;\n                    end else begin\n"
      << "                        rep <= rep + 1'b1;\n                    end\n"
      << "                end else begin\n                    col <= col + 1'b1;\n                end\n"
      << "            end else begin\n                sub <= sub + 1'b1;\n            end\n        end\n    end\n"
      << "endmodule\n";
    return v.str();
}

std::string emitStreamFifo(const std::string& module, int64_t depth, int64_t width)
{
    const int AW = bitsFor(depth - 1), CW = bitsFor(depth);
    util::TextStream v;
    v << "// FIFO of " << depth << " beats of " << width << " bits in front of a join input: it holds the beats of\n"
      << "// the branch that runs ahead while the other branch fills its line buffers (first word falls through).\n";
    v << handshakeModuleHeader(module, width, width, false);
    v << "    reg " << range(width - 1, 0) << " mem [0:" << depth - 1 << "];\n";
    v << "    reg " << range(AW - 1, 0) << " rd, wr;\n    reg " << range(CW - 1, 0) << " count;\n";
    v << "    assign in_ready = count != " << depth << ";\n    assign out_valid = count != 0;\n"
      << "    assign out_data = mem[rd];\n";
    v << "    wire push = in_valid && in_ready, pop = out_valid && out_ready;\n";
    v << "    always @(posedge clk) begin\n        if (rst) begin\n            rd <= 0;\n            wr <= 0;\n"
      << "            count <= 0;\n        end else begin\n"
      << "            if (push) begin\n                mem[wr] <= in_data;\n"
      << "                wr <= wr == " << depth - 1 << " ? 0 : wr + 1'b1;\n            end\n"
      << "            if (pop) rd <= rd == " << depth - 1 << " ? 0 : rd + 1'b1;\n"
      << "            if (push && !pop) count <= count + 1'b1;\n"
      << "            if (pop && !push) count <= count - 1'b1;\n        end\n    end\nendmodule\n";
    return v.str();
}

} // namespace luthier::rtl::stream
