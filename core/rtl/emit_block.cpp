// Data-flow blocks (arch/layer_blocks.h): one registered stage of element-wise logic. Every output element is
// its own expression over constant slices of in_data, so data movement is wiring and arithmetic is a small
// adder / max tree with constant comparators; the register takes a new vector when the old one is taken.

#include "rtl/emit_dataflow.h"
#include "rtl/verilog_text.h"
#include "util/error.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl {

namespace {

// A signed constant of `width` bits (two's complement hex, valid for every value in range).
std::string constant(int64_t value, int width)
{
    const uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    util::TextStream s;
    s << "$signed(" << width << "'h" << std::hex << (uint64_t(value) & mask) << ")";
    return s.str();
}

} // namespace

std::string emitBlockModule(const arch::HwLayer& layer)
{
    using Op = arch::DataBlock::Op;
    using Out = arch::DataBlock::Output;
    const arch::DataBlock& b = *layer.block;
    std::vector<int64_t> portOffset(b.portCounts.size(), 0);
    int64_t inBits = 0;
    for (size_t j = 0; j < b.portCounts.size(); ++j) {
        portOffset[j] = inBits;
        inBits += b.portCounts[j] * b.portBits[j];
    }
    const int64_t n = b.outputs(), OB = b.outputBits, AW = b.accBits;
    if (inBits > kMaxBusBits || n * OB > kMaxBusBits)
        throw Error("RTL: layer '" + layer.name + "' moves " + std::to_string(inBits) + " -> " + std::to_string(n * OB)
            + " bits; the whole-vector layer interface is limited to " + std::to_string(kMaxBusBits)
            + " bits (mapping, estimates and placement work at any size)");
    if (b.lanes < n)
        throw Error("RTL: layer '" + layer.name + "' (" + b.what + ", " + std::to_string(n)
            + " outputs) is mapped as a " + "folded block of " + std::to_string(b.lanes)
            + " lanes, whose RTL is not generated yet (mapping, " + "estimates and placement work)");
    auto code = [&](const arch::BlockTerm& t) {
        const int64_t bits = b.portBits[size_t(t.port)], lo = portOffset[size_t(t.port)] + t.index * bits;
        return "in_data" + range(lo + bits - 1, lo);
    };

    util::TextStream v;
    v << "// Layer '" << commentText(layer.name) << "': " << b.what << " block, " << n << " outputs of " << OB
      << " bits ("
      << (b.output == Out::Thresholds   ? "requantised by thresholds"
                 : b.output == Out::Raw ? "raw two's complement"
                                        : "codes of the carried format")
      << "), " << b.portCounts.size() << " input port(s); one registered stage.\n";
    v << "// Estimate: " << layer.estimate.lut << " LUT, " << layer.estimate.ff << " FF. Interface: see the top.\n";
    v << handshakeModuleHeader(layer.module, inBits, n * OB, true);
    v << "    reg " << range(n * OB - 1, 0) << " y;\n    assign out_data = y;\n";
    v << "    assign in_ready = !out_valid || out_ready;\n";
    v << "    wire " << range(n * OB - 1, 0) << " next;\n";

    for (int64_t e = 0; e < n; ++e) {
        const int64_t first = b.termStart[size_t(e)], last = b.termStart[size_t(e) + 1];
        const std::string out = "next" + range((e + 1) * OB - 1, e * OB);
        if (b.op == Op::Move) {
            v << "    assign " << out << " = " << code(b.terms[size_t(first)]) << ";\n";
            continue;
        }
        const std::string acc = "a_" + std::to_string(e);
        if (b.op == Op::Max) {
            const int bits = b.portBits[size_t(b.terms[size_t(first)].port)];
            std::string best = code(b.terms[size_t(first)]);
            for (int64_t t = first + 1; t < last; ++t) {
                const std::string m = "m_" + std::to_string(e) + "_" + std::to_string(t - first);
                const std::string c = code(b.terms[size_t(t)]);
                v << "    wire " << range(bits - 1, 0) << " " << m << " = " << c << " > " << best << " ? " << c << " : "
                  << best << ";\n";
                best = m;
            }
            const int port = b.terms[size_t(first)].port;
            v << "    wire signed " << range(AW - 1, 0) << " " << acc << "_c = " << best << ";\n";
            v << "    wire signed " << range(AW - 1, 0) << " " << acc << " = " << acc << "_c * "
              << constant(b.scale[size_t(port)], int(AW)) << " + " << constant(b.offset[size_t(port)], int(AW))
              << ";\n";
        } else {
            // Per port: scale * (sum of its codes) + count * offset; codes zero-extend into the signed width.
            std::vector<std::string> sums(b.portCounts.size());
            std::vector<int64_t> counts(b.portCounts.size(), 0);
            for (int64_t t = first; t < last; ++t) {
                const arch::BlockTerm& term = b.terms[size_t(t)];
                const std::string c = acc + "_" + std::to_string(t - first);
                v << "    wire signed " << range(AW - 1, 0) << " " << c << " = " << code(term) << ";\n";
                sums[size_t(term.port)] += (sums[size_t(term.port)].empty() ? "" : " + ") + c;
                ++counts[size_t(term.port)];
            }
            std::string expr;
            int64_t offset = 0;
            for (size_t j = 0; j < sums.size(); ++j) {
                if (sums[j].empty()) continue;
                expr += (expr.empty() ? "" : " + ") + constant(b.scale[j], int(AW)) + " * (" + sums[j] + ")";
                offset += counts[j] * b.offset[j];
            }
            v << "    wire signed " << range(AW - 1, 0) << " " << acc << " = " << expr << " + "
              << constant(offset, int(AW)) << ";\n";
        }
        if (b.output == Out::Thresholds) {
            const int32_t c = b.channel[size_t(e)];
            const bool negate = b.direction[size_t(c)] < 0;
            std::string count;
            for (int64_t level : b.levels[size_t(c)])
                count += (count.empty() ? "" : " + ") + std::string("(") + (negate ? "-" : "") + acc
                    + " >= " + constant(level, int(AW)) + ")";
            v << "    assign " << out << " = " << (count.empty() ? std::to_string(OB) + "'d0" : count) << ";\n";
        } else if (b.output == Out::Raw) {
            v << "    assign " << out << " = " << acc << range(OB - 1, 0) << ";\n";
        } else {
            v << "    wire signed " << range(AW - 1, 0) << " " << acc << "_k = " << acc << " - "
              << constant(b.carriedMin, int(AW)) << ";\n";
            v << "    assign " << out << " = " << acc << "_k" << range(OB - 1, 0) << ";\n";
        }
    }

    v << "    always @(posedge clk) begin\n        if (rst) begin\n            out_valid <= 1'b0;\n"
      << "        end else if (in_valid && in_ready) begin\n            y <= next;\n            out_valid <= 1'b1;\n"
      << "        end else if (out_ready) begin\n            out_valid <= 1'b0;\n        end\n    end\nendmodule\n";
    return v.str();
}

} // namespace luthier::rtl
