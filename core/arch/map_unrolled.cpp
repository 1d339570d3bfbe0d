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

// Input register bit of code bit `bit` of input `input`, or -1 (constant 0) past the last input.
int64_t inputBit(const DenseDatapath& d, int64_t input, int bit)
{
    return input < d.inputs ? input * d.inputBits + bit : -1;
}

// The addends of the product's shift-add of its bit-plane lookups (plane b enters shifted by b).
std::vector<Addend> planeAddends(const std::vector<int32_t>& group, int inputBits)
{
    const auto [lo, hi] = groupRange(group, 1);
    uint64_t zeroBits = ~uint64_t(0);
    for (int64_t e : groupTableEntries(group, 1))
        zeroBits &= ~uint64_t(e);
    std::vector<Addend> planes;
    for (int b = 0; b < inputBits; ++b)
        planes.push_back({ lo, hi, b, zeroBits });
    return planes;
}

// The reads rtl/emit_unrolled.cpp emits for one (slice, group) product.
void addProductReads(RegisteredTableBits& tables, const std::vector<int32_t>& group, int64_t slice, bool fullTables,
    const DenseDatapath& d)
{
    const int G = int(group.size());
    if (fullTables) {
        const auto [lo, hi] = groupRange(group, d.inputBits);
        std::vector<int64_t> address;
        for (int g = 0; g < G; ++g)
            for (int b = 0; b < d.inputBits; ++b)
                address.push_back(inputBit(d, slice * G + g, b));
        tables.addRead(address, groupTableEntries(group, d.inputBits), std::max(1, tlmac::signedBitsFor(lo, hi)));
        return;
    }
    const auto [lo, hi] = groupRange(group, 1);
    const std::vector<int64_t> entries = groupTableEntries(group, 1);
    for (int b = 0; b < d.inputBits; ++b) {
        std::vector<int64_t> address;
        for (int g = 0; g < G; ++g)
            address.push_back(inputBit(d, slice * G + g, b));
        tables.addRead(address, entries, std::max(1, tlmac::signedBitsFor(lo, hi)));
    }
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

std::vector<int64_t> groupTableEntries(const std::vector<int32_t>& group, int codeBits)
{
    const uint64_t codeMask = (uint64_t(1) << codeBits) - 1;
    std::vector<int64_t> entries(size_t(1) << (group.size() * size_t(codeBits)));
    for (uint64_t address = 0; address < entries.size(); ++address)
        for (size_t g = 0; g < group.size(); ++g)
            entries[address] += int64_t(group[g]) * int64_t(address >> (g * size_t(codeBits)) & codeMask);
    return entries;
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
            if (zero) continue;
            auto [it, inserted] = ids[size_t(j)].emplace(group, int32_t(u.unique[size_t(j)].size()));
            if (inserted) u.unique[size_t(j)].push_back(group);
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
    // Product nets numbered slice by slice.
    std::vector<int64_t> firstProduct(size_t(u.slices), 0);
    for (int64_t j = 1; j < u.slices; ++j)
        firstProduct[size_t(j)] = firstProduct[size_t(j - 1)] + int64_t(u.unique[size_t(j - 1)].size());
    std::vector<std::vector<TreeTerm>> terms(size_t(d.outputs));
    for (int64_t o = 0; o < d.outputs; ++o)
        for (int64_t j = 0; j < u.slices; ++j)
            if (const int32_t g = u.groupOf[size_t(o * u.slices + j)]; g >= 0) {
                const auto [lo, hi] = groupRange(u.unique[size_t(j)][size_t(g)], d.inputBits);
                terms[size_t(o)].push_back({ lo, hi, firstProduct[size_t(j)] + g });
            }
    RegisteredTableBits tables;
    ProductSums planeSums;
    for (int64_t j = 0; j < u.slices; ++j)
        for (size_t g = 0; g < u.unique[size_t(j)].size(); ++g) {
            const auto& group = u.unique[size_t(j)][g];
            addProductReads(tables, group, j, u.fullTables, d);
            if (!u.fullTables) // a full table is the product itself, no sum
                planeSums[firstProduct[size_t(j)] + int64_t(g)] = planeAddends(group, d.inputBits);
        }
    hw.kind = ir::TemplateKind::Unrolled;
    finishParallelLayer(hw, std::move(d), terms, tables, planeSums);
}

} // namespace luthier::arch
