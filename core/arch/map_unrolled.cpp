// Unrolled mapping of a Dense layer: interned (input slice, weight group) products (arch/unrolled.h), adder
// trees with pipeline registers, parallel requantisation; one inference per clock. RTL: rtl/emit_unrolled.cpp.

#include "arch/map_dense.h"
#include "arch/tlmac/plan.h"
#include "arch/unrolled.h"

#include <algorithm>
#include <map>

namespace luthier::arch {

namespace {

// The address width above which a full-activation table is never emitted: its case function would list
// 2^bits entries per (slice, group).
constexpr int kMaxFullTableBits = 10;

int64_t lutsForTable(int addressBits, int dataBits, int lutInputs)
{
    return int64_t(dataBits) << std::max(0, addressBits - lutInputs);
}

} // namespace

int64_t UnrolledProducts::products() const
{
    int64_t n = 0;
    for (const auto& u : unique)
        n += int64_t(u.size());
    return n;
}

std::pair<int64_t, int64_t> groupRange(const std::vector<int32_t>& group, int inputBits)
{
    const int64_t maxCode = (int64_t(1) << inputBits) - 1;
    int64_t lo = 0, hi = 0;
    for (int32_t w : group)
        (w < 0 ? lo : hi) += int64_t(w) * maxCode;
    return { lo, hi };
}

UnrolledProducts unrolledProducts(const DenseDatapath& d, int lutInputs)
{
    UnrolledProducts u;
    u.groupSize = std::max(1, d.groupSize);
    const int G = u.groupSize;
    u.slices = (d.inputs + G - 1) / G;
    u.unique.resize(size_t(u.slices));
    u.groupOf.assign(size_t(d.outputs * u.slices), -1);
    std::vector<std::map<std::vector<int32_t>, int32_t>> ids(size_t(u.slices));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t j = 0; j < u.slices; ++j) {
            std::vector<int32_t> group(size_t(G), 0);
            bool zero = true;
            for (int g = 0; g < G && j * G + g < d.inputs; ++g) {
                group[size_t(g)] = d.weight(o, j * G + g);
                zero = zero && group[size_t(g)] == 0;
            }
            if (zero)
                continue;
            auto [it, inserted] = ids[size_t(j)].emplace(group, int32_t(u.unique[size_t(j)].size()));
            if (inserted)
                u.unique[size_t(j)].push_back(group);
            u.groupOf[size_t(o * u.slices + j)] = it->second;
        }

    // Both forms' LUTs over all products; the full form only while its tables stay small enough to list.
    int64_t full = 0, planes = 0;
    for (const auto& slice : u.unique)
        for (const auto& group : slice) {
            const auto [lo, hi] = groupRange(group, d.inputBits);
            const auto [plo, phi] = groupRange(group, 1);
            const int sumBits = std::max(1, tlmac::signedBitsFor(lo, hi));
            const int planeBits = std::max(1, tlmac::signedBitsFor(plo, phi));
            full += lutsForTable(G * d.inputBits, sumBits, lutInputs);
            planes += int64_t(d.inputBits) * lutsForTable(G, planeBits, lutInputs) + int64_t(d.inputBits - 1) * sumBits;
        }
    u.fullTables = G * d.inputBits <= kMaxFullTableBits && full <= planes;
    u.tableLuts = u.fullTables ? full : planes;
    return u;
}

void mapUnrolledDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    d.groupSize = options.tlmac.groupSize;
    d.pipelineEvery = options.pipelineEvery;
    const UnrolledProducts u = unrolledProducts(d, options.tlmac.lutInputs);
    std::vector<std::vector<TermRange>> terms(size_t(d.outputs));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t j = 0; j < u.slices; ++j)
            if (const int32_t g = u.groupOf[size_t(o * u.slices + j)]; g >= 0)
                terms[size_t(o)].push_back(groupRange(u.unique[size_t(j)][size_t(g)], d.inputBits));
    Resources products;
    products.lut = u.tableLuts;
    hw.kind = TemplateKind::Unrolled;
    finishParallelLayer(hw, std::move(d), terms, products);
}

} // namespace luthier::arch
