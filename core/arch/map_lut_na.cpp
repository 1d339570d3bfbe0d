// LUT-NA divide-and-conquer mapping (DESIGN.md section 5): every non-zero weight w keeps a table of its
// multiples T_w[v] = v * w for k-bit chunks v; an input code is cut into ceil(B_a / k) chunks, each looks up
// its multiple, and the results are shift-added into the product. Products of one input with the same weight
// are the same logic, so the estimate counts distinct (input, weight) pairs. k per layer: --lut-na-chunk, or
// the cheapest k by the LUT-NA cost model. RTL: rtl/emit_lut_na.cpp.

#include "arch/cost/cost.h"
#include "arch/map_dense.h"
#include "arch/tlmac/plan.h"

#include <algorithm>
#include <map>

namespace luthier::arch {

int lutNaChunks(const DenseDatapath& d)
{
    return (d.inputBits + d.chunkBits - 1) / d.chunkBits;
}

void mapLutNaDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    d.pipelineEvery = options.pipelineEvery;
    if (options.lutNaChunk > 0) {
        d.chunkBits = std::min(options.lutNaChunk, d.inputBits);
    } else {
        cost::CostInput in;
        in.weightBits = d.weightBits;
        in.activationBits = d.inputBits;
        in.lutInputs = d.lutInputs;
        d.chunkBits = cost::bestLutNaOption(in).k;
    }
    const int k = d.chunkBits, chunks = lutNaChunks(d);
    const int64_t maxCode = (int64_t(1) << d.inputBits) - 1, maxChunk = (int64_t(1) << k) - 1;
    std::vector<std::vector<TreeTerm>> terms(size_t(d.outputs));
    std::map<std::pair<int64_t, int32_t>, int64_t> products; // (input, weight) -> its product net
    RegisteredTableBits tables;
    ProductSums shiftAdds;
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            const int32_t w = d.weight(o, i);
            if (w == 0) continue;
            const auto [product, added] = products.emplace(std::make_pair(i, w), int64_t(products.size()));
            terms[size_t(o)].push_back(
                { std::min<int64_t>(0, w * maxCode), std::max<int64_t>(0, w * maxCode), product->second });
            if (!added) continue;
            // Chunk c looks up code bits [c*k, c*k + k) (the last one zero-padded) and enters the shift-add at c*k.
            const Addend multiple { std::min<int64_t>(0, w * maxChunk), std::max<int64_t>(0, w * maxChunk), 0 };
            std::vector<Addend> chunkLookups;
            for (int c = 0; c < chunks; ++c)
                chunkLookups.push_back({ multiple.lo, multiple.hi, c * k });
            shiftAdds[product->second] = chunkLookups;
            std::vector<int64_t> entries;
            for (int64_t v = 0; v <= maxChunk; ++v)
                entries.push_back(w * v);
            for (int c = 0; c < chunks; ++c) {
                std::vector<int64_t> address;
                for (int b = c * k; b < c * k + k; ++b)
                    address.push_back(b < d.inputBits ? i * d.inputBits + b : -1);
                tables.addRead(address, entries, tlmac::signedBitsFor(multiple.lo, multiple.hi));
            }
        }
    hw.kind = ir::TemplateKind::LutNa;
    finishParallelLayer(hw, std::move(d), terms, tables, shiftAdds);
}

} // namespace luthier::arch
