// Unrolled layer modules: one lookup table per (input slice, unique weight group) (arch/unrolled.h), shared by
// every output using that group, then the parallel adder trees and output stage (rtl/parallel_sum.h).

#include "arch/unrolled.h"
#include "rtl/layer_emitters.h"
#include "rtl/parallel_sum.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <sstream>

namespace luthier::rtl {

namespace {

void groupTable(
    std::ostringstream& v, const std::string& name, const std::vector<int32_t>& group, int codeBits, int width)
{
    tableConstant(v, name, arch::groupTableEntries(group, codeBits), width);
}

} // namespace

LayerEmission emitUnrolledLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    const arch::UnrolledProducts u = arch::unrolledProducts(d, d.lutInputs);
    const int G = u.groupSize, BA = d.inputBits;
    ParallelBody body;
    {
        util::TextStream h;
        h << "// Unrolled: G = " << G << ", " << u.slices << " input slices, " << u.products()
          << " (slice, unique group) products shared by all outputs, "
          << (u.fullTables ? "one table on all G codes each" : "one G-bit table per bit-plane, shift-added") << "\n";
        body.description = h.str();
    }
    util::TextStream v;
    for (int64_t j = 0; j < u.slices; ++j) {
        // The slice's G codes (inputs past the last one read as code 0: their weights are 0).
        const int64_t first = j * G, count = std::min<int64_t>(G, d.inputs - first);
        const std::string slice = "xs_" + std::to_string(j);
        v << "    wire [" << G * BA - 1 << ":0] " << slice << " = ";
        if (count < G) v << "{" << (G - count) * BA << "'d0, ";
        v << "x[" << (first + count) * BA - 1 << ":" << first * BA << "]" << (count < G ? "}" : "") << ";\n";
        for (size_t k = 0; k < u.unique[size_t(j)].size(); ++k) {
            const auto& group = u.unique[size_t(j)][k];
            const auto [lo, hi] = arch::groupRange(group, BA);
            const int width = signedWidth(lo, hi);
            const std::string net = "g_" + std::to_string(j) + "_" + std::to_string(k);
            if (u.fullTables) {
                groupTable(v, "f_" + net, group, BA, width);
                v << "    wire [" << width - 1 << ":0] " << net << " = " << tableRead("f_" + net, slice) << ";\n";
                continue;
            }
            const auto [plo, phi] = arch::groupRange(group, 1);
            const int pw = signedWidth(plo, phi);
            groupTable(v, "f_" + net, group, 1, pw);
            std::string sum;
            for (int b = 0; b < BA; ++b) {
                const std::string plane = net + "_b" + std::to_string(b);
                std::string address = "{";
                for (int g = G - 1; g >= 0; --g)
                    address += slice + "[" + std::to_string(g * BA + b) + "]" + (g ? ", " : "}");
                v << "    wire [" << pw - 1 << ":0] " << plane << " = " << tableRead("f_" + net, address) << ";\n";
                sum += (b ? " + (" : "(") + signExtend(plane, pw, width) + (b ? " << " + std::to_string(b) : "") + ")";
            }
            v << "    wire [" << width - 1 << ":0] " << net << " = " << sum << ";\n";
        }
    }
    body.products = v.str();
    body.terms.resize(size_t(d.outputs));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t j = 0; j < u.slices; ++j)
            if (const int32_t g = u.groupOf[size_t(o * u.slices + j)]; g >= 0) {
                const auto [lo, hi] = arch::groupRange(u.unique[size_t(j)][size_t(g)], BA);
                body.terms[size_t(o)].push_back({ "g_" + std::to_string(j) + "_" + std::to_string(g), lo, hi });
            }
    LayerEmission e;
    e.verilog = emitParallelLayer(layer, body);
    e.details = { { "G", G }, { "slices", u.slices }, { "products", u.products() }, { "fullTables", u.fullTables },
        { "pipelineEvery", d.pipelineEvery }, { "inputBits", BA }, { "accBits", d.accBits },
        { "outputBits", d.outBits() }, { "raw", d.raw } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
