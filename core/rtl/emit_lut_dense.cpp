// LUT-Dense layer modules (HGQ-LUT): a table per (input, non-zero weight) indexed by the whole input code,
// holding the exact products w * code; each output adds its tables' values in the parallel adder trees
// (rtl/parallel_sum.h). Pairs of one input with equal weights read the same table net.

#include "arch/map_dense.h"
#include "rtl/layer_emitters.h"
#include "rtl/parallel_sum.h"
#include "rtl/verilog_text.h"

#include <map>
#include <sstream>

namespace luthier::rtl {

LayerEmission emitLutDenseLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    const int BA = d.inputBits;
    const int64_t maxCode = (int64_t(1) << BA) - 1;
    std::ostringstream v;
    // One table per distinct weight, one net per (input, weight).
    std::map<int32_t, std::string> functions;
    std::map<std::pair<int64_t, int32_t>, std::string> nets;
    ParallelBody body;
    body.terms.resize(size_t(d.outputs));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            const int32_t w = d.weight(o, i);
            if (w == 0)
                continue;
            const int64_t lo = std::min<int64_t>(0, w * maxCode), hi = std::max<int64_t>(0, w * maxCode);
            const int width = signedWidth(lo, hi);
            auto fn = functions.find(w);
            if (fn == functions.end()) {
                const std::string name = "table_" + std::string(w < 0 ? "m" : "p") + std::to_string(w < 0 ? -int64_t(w) : w);
                std::vector<int64_t> products(size_t(maxCode + 1));
                for (int64_t c = 0; c <= maxCode; ++c)
                    products[size_t(c)] = w * c;
                tableConstant(v, name, products, width);
                fn = functions.emplace(w, name).first;
            }
            auto net = nets.find({ i, w });
            if (net == nets.end()) {
                const std::string name = "t_" + std::to_string(i) + "_" + fn->second.substr(6);
                const std::string code = "x[" + std::to_string((i + 1) * BA - 1) + ":" + std::to_string(i * BA) + "]";
                v << "    wire [" << width - 1 << ":0] " << name << " = " << tableRead(fn->second, code) << ";\n";
                net = nets.emplace(std::make_pair(i, w), name).first;
            }
            body.terms[size_t(o)].push_back({ net->second, lo, hi });
        }
    std::ostringstream h;
    h << "// LUT-Dense (HGQ-LUT): " << nets.size() << " distinct (input, weight) tables of 2^" << BA
      << " exact products\n";
    body.description = h.str();
    body.products = v.str();
    LayerEmission e;
    e.verilog = emitParallelLayer(layer, body);
    e.details = { { "tables", nets.size() }, { "tableAddressBits", BA }, { "pipelineEvery", d.pipelineEvery },
        { "inputBits", BA }, { "accBits", d.accBits }, { "outputBits", d.outBits() }, { "raw", d.raw } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
