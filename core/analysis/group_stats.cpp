#include "analysis/group_stats.h"

#include "util/error.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <unordered_map>

namespace luthier::analysis {

namespace {

constexpr size_t kTopGroups = 16;
constexpr uint64_t kDirectTableLimit = uint64_t(1) << 20; // key spaces up to this use a counting array

// Where each group's weights come from: output o, row r, group j covers row elements [j*G, j*G + G).
struct Layout {
    int64_t rowLength = 0;
    int64_t rowsPerOutput = 0;
    int64_t groupsPerRow = 0;
};

Layout layoutFor(const IntWeights& w, int groupSize)
{
    Layout l;
    l.rowLength = groupRowLength(w, groupSize);
    l.rowsPerOutput = w.fanIn() / l.rowLength;
    l.groupsPerRow = (l.rowLength + groupSize - 1) / groupSize;
    return l;
}

// Packs groups into 64-bit keys: base-`base` digits of (value - offset), or, when the key space does not fit in
// 64 bits, exact interned ids of the group's bytes.
class GroupKeys {
public:
    GroupKeys(int groupSize, int32_t lo, int32_t hi)
        : m_groupSize(groupSize)
        , m_offset(lo)
        , m_base(uint64_t(int64_t(hi) - lo + 1))
    {
        long double space = 1;
        for (int g = 0; g < groupSize; ++g)
            space *= (long double)m_base;
        m_packed = space < 1.8e19L;
        m_space = m_packed ? uint64_t(space) : 0;
    }

    // Keys lie in [0, space()); interned ids are dense, so both cases can use counting arrays when small.
    uint64_t space() const { return m_packed ? m_space : uint64_t(m_interned.size()); }

    uint64_t key(const int32_t* group)
    {
        if (m_packed) {
            uint64_t k = 0;
            for (int g = m_groupSize - 1; g >= 0; --g)
                k = k * m_base + uint64_t(int64_t(group[g]) - m_offset);
            return k;
        }
        std::string bytes(size_t(m_groupSize) * sizeof(int32_t), '\0');
        std::memcpy(bytes.data(), group, bytes.size());
        auto [it, inserted] = m_ids.emplace(std::move(bytes), m_interned.size());
        if (inserted) m_interned.push_back(it->first);
        return it->second;
    }

    std::vector<int32_t> decode(uint64_t k) const
    {
        std::vector<int32_t> group(static_cast<size_t>(m_groupSize));
        if (m_packed) {
            for (int g = 0; g < m_groupSize; ++g) {
                group[size_t(g)] = int32_t(int64_t(k % m_base) + m_offset);
                k /= m_base;
            }
        } else {
            std::memcpy(group.data(), m_interned[size_t(k)].data(), group.size() * sizeof(int32_t));
        }
        return group;
    }

private:
    int m_groupSize;
    int64_t m_offset;
    uint64_t m_base;
    bool m_packed = true;
    uint64_t m_space = 0;
    std::unordered_map<std::string, uint64_t> m_ids;
    std::vector<std::string> m_interned;
};

// (key, count) pairs of `keys`, any order.
std::vector<std::pair<uint64_t, int64_t>> countKeys(const std::vector<uint64_t>& keys, uint64_t space)
{
    std::vector<std::pair<uint64_t, int64_t>> result;
    if (space > 0 && space <= kDirectTableLimit) {
        std::vector<uint32_t> counts(size_t(space), 0);
        for (uint64_t k : keys)
            ++counts[size_t(k)];
        for (uint64_t k = 0; k < space; ++k)
            if (counts[size_t(k)]) result.emplace_back(k, counts[size_t(k)]);
        return result;
    }
    std::vector<uint64_t> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size();) {
        size_t j = i;
        while (j < sorted.size() && sorted[j] == sorted[i])
            ++j;
        result.emplace_back(sorted[i], int64_t(j - i));
        i = j;
    }
    return result;
}

// Sum over slices of the distinct keys in the slice; `keys` is [output][slice], outputs split into conv groups.
int64_t uniquePerSlice(
    const std::vector<uint64_t>& keys, int64_t outputs, int64_t slices, int64_t convGroups, uint64_t space)
{
    const int64_t perGroup = outputs / convGroups;
    int64_t total = 0;
    if (space > 0 && space <= kDirectTableLimit) {
        // stamp[k] = last slice id in which key k was seen: O(1) per group, no clearing.
        std::vector<int64_t> stamp(size_t(space), -1);
        for (int64_t cg = 0; cg < convGroups; ++cg)
            for (int64_t s = 0; s < slices; ++s) {
                const int64_t id = cg * slices + s;
                for (int64_t o = cg * perGroup; o < (cg + 1) * perGroup; ++o) {
                    int64_t& seen = stamp[size_t(keys[size_t(o * slices + s)])];
                    if (seen != id) {
                        seen = id;
                        ++total;
                    }
                }
            }
        return total;
    }
    std::vector<uint64_t> column(static_cast<size_t>(perGroup));
    for (int64_t cg = 0; cg < convGroups; ++cg)
        for (int64_t s = 0; s < slices; ++s) {
            for (int64_t o = 0; o < perGroup; ++o)
                column[size_t(o)] = keys[size_t((cg * perGroup + o) * slices + s)];
            std::sort(column.begin(), column.end());
            total += int64_t(std::unique(column.begin(), column.end()) - column.begin());
        }
    return total;
}

} // namespace

double GroupStats::topShare(int64_t k) const
{
    if (totalGroups == 0) return 0.0;
    const size_t n = size_t(std::clamp<int64_t>(k, 0, int64_t(frequencies.size())));
    return double(std::accumulate(frequencies.begin(), frequencies.begin() + ptrdiff_t(n), int64_t(0)))
        / double(totalGroups);
}

int64_t GroupStats::groupsCovering(double share) const
{
    int64_t covered = 0;
    for (size_t i = 0; i < frequencies.size(); ++i) {
        covered += frequencies[i];
        if (double(covered) >= share * double(totalGroups)) return int64_t(i + 1);
    }
    return int64_t(frequencies.size());
}

int64_t groupRowLength(const IntWeights& weights, int groupSize)
{
    return (weights.kernelW > 1 && groupSize <= weights.kernelW) ? weights.kernelW : weights.fanIn();
}

int defaultGroupSize(const IntWeights& weights, int lutInputs)
{
    return weights.kernelW > 1 && weights.kernelW <= lutInputs ? int(weights.kernelW) : 3;
}

WeightHistogram weightHistogram(const IntWeights& weights)
{
    WeightHistogram h;
    h.total = int64_t(weights.values.size());
    if (weights.values.empty()) return h;
    const auto [lo, hi] = std::minmax_element(weights.values.begin(), weights.values.end());
    h.minLevel = *lo;
    h.maxLevel = *hi;
    if (int64_t(*hi) - *lo < (1 << 20)) {
        std::vector<int64_t> counts(size_t(int64_t(*hi) - *lo + 1), 0);
        for (int32_t v : weights.values)
            ++counts[size_t(int64_t(v) - *lo)];
        for (size_t i = 0; i < counts.size(); ++i)
            if (counts[i]) h.counts[int32_t(int64_t(i) + *lo)] = counts[i];
    } else {
        for (int32_t v : weights.values)
            ++h.counts[v];
    }
    const auto zero = h.counts.find(0);
    h.zeros = zero == h.counts.end() ? 0 : zero->second;
    return h;
}

GroupStats groupStats(const IntWeights& w, int groupSize)
{
    if (groupSize <= 0) groupSize = defaultGroupSize(w);
    if (groupSize > 64) throw Error("group size " + std::to_string(groupSize) + " is larger than 64");
    GroupStats s;
    s.groupSize = groupSize;
    const Layout l = layoutFor(w, groupSize);
    s.rowLength = l.rowLength;
    s.groupsPerOutput = l.rowsPerOutput * l.groupsPerRow;
    s.totalGroups = w.outChannels * s.groupsPerOutput;
    s.paddedWeights = l.rowsPerOutput * (l.groupsPerRow * groupSize - l.rowLength);
    if (s.totalGroups == 0) return s;

    int32_t lo = 0, hi = 0; // padding inserts 0, so 0 is always in range
    for (int32_t v : w.values) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    GroupKeys interner(groupSize, lo, hi);
    std::vector<uint64_t> keys(size_t(s.totalGroups));
    std::vector<int32_t> group(static_cast<size_t>(groupSize));
    const int64_t fanIn = w.fanIn();
    size_t next = 0;
    for (int64_t o = 0; o < w.outChannels; ++o) {
        const int32_t* row = w.values.data() + o * fanIn;
        for (int64_t r = 0; r < l.rowsPerOutput; ++r, row += l.rowLength)
            for (int64_t j = 0; j < l.groupsPerRow; ++j) {
                for (int g = 0; g < groupSize; ++g) {
                    const int64_t e = j * groupSize + g;
                    group[size_t(g)] = e < l.rowLength ? row[e] : 0;
                }
                keys[next++] = interner.key(group.data());
            }
    }

    auto counts = countKeys(keys, interner.space());
    s.uniqueGroups = int64_t(counts.size());
    std::stable_sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    s.frequencies.reserve(counts.size());
    for (const auto& [key, count] : counts)
        s.frequencies.push_back(count);
    for (size_t i = 0; i < std::min(kTopGroups, counts.size()); ++i)
        s.topGroups.push_back(interner.decode(counts[i].first));
    const int64_t convGroups = w.outChannels % w.convGroups == 0 ? w.convGroups : 1;
    s.uniqueSliceGroups = uniquePerSlice(keys, w.outChannels, s.groupsPerOutput, convGroups, interner.space());
    return s;
}

} // namespace luthier::analysis
