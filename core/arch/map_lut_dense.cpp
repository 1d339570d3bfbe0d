// LUT-Dense mapping (HGQ-LUT, DESIGN.md section 5): y_o = act(sum_i T_io[x_i]) with a table per (input, output)
// pair holding either the exact integer products T_io[v] = w_io * v over every input code v or the layer's
// learned tables (ir/learned_tables.h). Tables of one input with the same contents are the same logic (synthesis
// merges them), so the estimate counts distinct (input, table) pairs. Zero weights and pruned learned pairs have
// no table. RTL: rtl/emit_lut_dense.cpp.

#include "arch/map_dense.h"
#include "arch/tlmac/plan.h"
#include "util/error.h"

#include <algorithm>
#include <map>

namespace luthier::arch {

std::vector<int64_t> lutDenseTable(const DenseDatapath& d, int64_t o, int64_t i)
{
    const int64_t codes = int64_t(1) << d.inputBits;
    if (d.tables) {
        if (!d.tables->has(o, i)) return {};
        return std::vector<int64_t>(d.tables->table(o, i), d.tables->table(o, i) + codes);
    }
    const int32_t w = d.weight(o, i);
    std::vector<int64_t> products;
    for (int64_t c = 0; w != 0 && c < codes; ++c)
        products.push_back(w * c);
    return products;
}

void mapLutDenseDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    if (d.inputBits > kMaxLutDenseInputBits)
        throw Error("layer " + source.label + ": LUT-Dense tables are indexed by a whole input code, and its "
            + std::to_string(d.inputBits) + "-bit codes would need 2^" + std::to_string(d.inputBits)
            + " entries per table (at most " + std::to_string(kMaxLutDenseInputBits) + " bits); map this layer "
            + "with lut-na or unrolled, or lower its input bits (the abits override of the layer before it; for a "
            + "float model input, --input-bits or a project's compiler.inputBits)");
    d.pipelineEvery = options.pipelineEvery;
    std::vector<std::vector<TreeTerm>> terms(size_t(d.outputs));
    std::map<std::pair<int64_t, std::vector<int64_t>>, int64_t> reads; // (input, table) -> its read's net
    RegisteredTableBits tables;
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            std::vector<int64_t> entries = lutDenseTable(d, o, i);
            if (entries.empty()) continue;
            const auto [lo, hi] = std::minmax_element(entries.begin(), entries.end());
            const TreeTerm term { std::min<int64_t>(0, *lo), std::max<int64_t>(0, *hi), int64_t(reads.size()) };
            const auto [read, added] = reads.emplace(std::make_pair(i, std::move(entries)), term.product);
            terms[size_t(o)].push_back({ term.lo, term.hi, read->second });
            if (!added) continue;
            std::vector<int64_t> address;
            for (int b = 0; b < d.inputBits; ++b)
                address.push_back(i * d.inputBits + b);
            tables.addRead(address, read->first.second, tlmac::signedBitsFor(term.lo, term.hi));
        }
    hw.kind = ir::TemplateKind::LutDense;
    finishParallelLayer(hw, std::move(d), terms, tables, {});
}

} // namespace luthier::arch
