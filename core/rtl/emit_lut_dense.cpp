// LUT-Dense layer modules (HGQ-LUT): a table per (input, output) pair indexed by the whole input code, holding
// the exact products w * code or the layer's learned entries (arch::lutDenseTable); each output adds its tables'
// values in the parallel adder trees (rtl/parallel_sum.h). Pairs of one input with equal tables read one net.

#include "arch/map_dense.h"
#include "rtl/layer_emitters.h"
#include "rtl/parallel_sum.h"
#include "rtl/verilog_text.h"
#include "util/text_stream.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace luthier::rtl {

namespace {

// A table's name: exact products are named by their weight (table_p3 holds 3 * code, table_m2 -2 * code),
// learned tables by their order of appearance.
std::string tableSuffix(const arch::DenseDatapath& d, int64_t o, int64_t i, size_t index)
{
    if (d.tables) return std::to_string(index);
    const int64_t w = d.weight(o, i);
    return (w < 0 ? "m" : "p") + std::to_string(w < 0 ? -w : w);
}

} // namespace

LayerEmission emitLutDenseLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    const int BA = d.inputBits;
    util::TextStream v;
    // One table constant per distinct contents, one net per (input, table).
    std::map<std::vector<int64_t>, std::string> functions;
    std::map<std::pair<int64_t, std::string>, std::string> nets;
    ParallelBody body;
    body.terms.resize(size_t(d.outputs));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            const std::vector<int64_t> entries = arch::lutDenseTable(d, o, i);
            if (entries.empty()) continue;
            const auto [min, max] = std::minmax_element(entries.begin(), entries.end());
            const int64_t lo = std::min<int64_t>(0, *min), hi = std::max<int64_t>(0, *max);
            const int width = signedWidth(lo, hi);
            auto fn = functions.find(entries);
            if (fn == functions.end()) {
                const std::string name = "table_" + tableSuffix(d, o, i, functions.size());
                tableConstant(v, name, entries, width);
                fn = functions.emplace(entries, name).first;
            }
            auto net = nets.find({ i, fn->second });
            if (net == nets.end()) {
                const std::string name = "t_" + std::to_string(i) + "_" + fn->second.substr(6);
                const std::string code = "x[" + std::to_string((i + 1) * BA - 1) + ":" + std::to_string(i * BA) + "]";
                v << "    wire [" << width - 1 << ":0] " << name << " = " << tableRead(fn->second, code) << ";\n";
                net = nets.emplace(std::make_pair(i, fn->second), name).first;
            }
            body.terms[size_t(o)].push_back({ net->second, lo, hi });
        }
    util::TextStream h;
    h << "// LUT-Dense (HGQ-LUT): " << nets.size() << " distinct (input, table) reads of 2^" << BA << " "
      << (d.tables ? "learned entries (" + std::to_string(functions.size()) + " distinct tables)" : "exact products")
      << "\n";
    body.description = h.str();
    body.products = v.str();
    LayerEmission e;
    e.verilog = emitParallelLayer(layer, body);
    e.details = { { "tables", nets.size() }, { "tableAddressBits", BA }, { "pipelineEvery", d.pipelineEvery },
        { "inputBits", BA }, { "accBits", d.accBits }, { "outputBits", d.outBits() }, { "raw", d.raw },
        { "learned", d.tables != nullptr } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
