// LUT-NA divide-and-conquer mapping (DESIGN.md section 5): every non-zero weight w keeps a table of its
// multiples T_w[v] = v * w for k-bit chunks v; an input code is cut into ceil(B_a / k) chunks, each looks up
// its multiple, and the results are shift-added into the product. Products of one input with the same weight
// are the same logic, so the estimate counts distinct (input, weight) pairs. k per layer: --lut-na-chunk, or
// the cheapest k by the LUT-NA cost model. RTL: rtl/emit_lut_na.cpp.

#include "arch/cost/cost.h"
#include "arch/map_dense.h"
#include "arch/tlmac/plan.h"

#include <algorithm>
#include <set>

namespace luthier::arch {

int lutNaChunks(const DenseDatapath& d) { return (d.inputBits + d.chunkBits - 1) / d.chunkBits; }

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
    std::vector<std::vector<TermRange>> terms(size_t(d.outputs));
    std::set<std::pair<int64_t, int32_t>> products;
    Resources r;
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t i = 0; i < d.inputs; ++i) {
            const int32_t w = d.weight(o, i);
            if (w == 0)
                continue;
            const TermRange range { std::min<int64_t>(0, w * maxCode), std::max<int64_t>(0, w * maxCode) };
            terms[size_t(o)].push_back(range);
            if (!products.insert({ i, w }).second)
                continue;
            const int chunkWidth = tlmac::signedBitsFor(std::min<int64_t>(0, w * maxChunk), std::max<int64_t>(0, w * maxChunk));
            const int width = tlmac::signedBitsFor(range.first, range.second);
            r.lut += chunks * cost::tableLuts(k, chunkWidth, d.lutInputs) + (chunks - 1) * width;
            r.carry += (chunks - 1) * ((width + 3) / 4);
        }
    hw.kind = TemplateKind::LutNa;
    finishParallelLayer(hw, std::move(d), terms, r);
}

} // namespace luthier::arch
