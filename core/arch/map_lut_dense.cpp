// LUT-Dense mapping (HGQ-LUT, DESIGN.md section 5): y_o = act(sum_i T_io[x_i]) with a table per (input, output)
// pair holding the exact integer products T_io[v] = w_io * v over every input code v. Tables of one input with
// the same contents are the same logic (synthesis merges them), so the estimate counts distinct (input, weight)
// tables. Zero weights are pruned pairs. RTL: rtl/emit_lut_dense.cpp.

#include "arch/map_dense.h"
#include "arch/tlmac/plan.h"
#include "util/error.h"

#include <map>

namespace luthier::arch {

void mapLutDenseDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    if (d.inputBits > kMaxLutDenseInputBits)
        throw Error("layer " + source.label + ": LUT-Dense tables are indexed by a whole input code, and its "
            + std::to_string(d.inputBits) + "-bit codes would need 2^" + std::to_string(d.inputBits)
            + " entries per table (at most " + std::to_string(kMaxLutDenseInputBits) + " bits); map this layer "
            + "with lut-na or unrolled, or lower its input bits (abits override)");
    d.pipelineEvery = options.pipelineEvery;
    const int64_t maxCode = (int64_t(1) << d.inputBits) - 1;
    std::vector<std::vector<TreeTerm>> terms(size_t(d.outputs));
    std::map<std::pair<int64_t, int32_t>, int64_t> reads; // (input, weight) -> its product net
    RegisteredTableBits tables;
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            const int32_t w = d.weight(o, i);
            if (w == 0)
                continue;
            const Addend product { std::min<int64_t>(0, w * maxCode), std::max<int64_t>(0, w * maxCode), 0 };
            const auto [read, added] = reads.emplace(std::make_pair(i, w), int64_t(reads.size()));
            terms[size_t(o)].push_back({ product.lo, product.hi, read->second });
            if (!added)
                continue;
            std::vector<int64_t> address, entries;
            for (int b = 0; b < d.inputBits; ++b)
                address.push_back(i * d.inputBits + b);
            for (int64_t c = 0; c <= maxCode; ++c)
                entries.push_back(w * c);
            tables.addRead(address, entries, tlmac::signedBitsFor(product.lo, product.hi));
        }
    hw.kind = TemplateKind::LutDense;
    finishParallelLayer(hw, std::move(d), terms, tables, {});
}

} // namespace luthier::arch
