#include "arch/tlmac/allocate.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_map>

namespace luthier::arch::tlmac {

namespace {

bool stored(const TlmacPlan& plan, int32_t u)
{
    return u >= 0 && u != plan.zeroGroup;
}

// lanes(c, u): the distinct lanes that use group u in some step of cluster c.
struct LaneLists {
    std::unordered_map<int64_t, std::vector<int32_t>> lanes;
    const std::vector<int32_t>& of(int64_t c, int32_t u, int64_t groups) const
    {
        static const std::vector<int32_t> none;
        if (u < 0) return none;
        auto it = lanes.find(c * groups + u);
        return it == lanes.end() ? none : it->second;
    }
};

} // namespace

int64_t countWires(const TlmacPlan& plan)
{
    int64_t wires = 0;
    std::vector<uint8_t> seen(size_t(std::max(plan.arrays, 1)));
    const int64_t groups = int64_t(plan.uniqueGroups.size());
    for (int p = 0; p < plan.parallel; ++p) {
        std::fill(seen.begin(), seen.end(), 0);
        for (int64_t s = 0; s < plan.steps; ++s) {
            const int32_t u = plan.laneGroup[size_t(s * plan.parallel + p)];
            if (!stored(plan, u)) continue;
            const int32_t a = plan.arrayOf[size_t(plan.clusterOfStep[size_t(s)] * groups + u)];
            wires += !seen[size_t(a)];
            seen[size_t(a)] = 1;
        }
    }
    return wires;
}

void allocateArrays(TlmacPlan& plan, uint64_t seed, double effort, Progress* progress)
{
    const int64_t groups = int64_t(plan.uniqueGroups.size());
    const int clusters = plan.clusters;
    const int lanesCount = plan.parallel;

    LaneLists lists;
    plan.laneUsesZero.assign(size_t(lanesCount), 0);
    for (int64_t s = 0; s < plan.steps; ++s) {
        const int c = plan.clusterOfStep[size_t(s)];
        for (int p = 0; p < lanesCount; ++p) {
            const int32_t u = plan.laneGroup[size_t(s * lanesCount + p)];
            if (!stored(plan, u)) {
                plan.laneUsesZero[size_t(p)] = 1;
                continue;
            }
            auto& lanes = lists.lanes[c * groups + u];
            if (std::find(lanes.begin(), lanes.end(), p) == lanes.end()) lanes.push_back(p);
        }
    }

    // Initial allocation: each cluster's groups in id order on arrays 0, 1, ...
    plan.arrayOf.assign(size_t(clusters * groups), -1);
    std::vector<int32_t> used(size_t(clusters), 0);
    for (int c = 0; c < clusters; ++c)
        for (int32_t u = 0; u < groups; ++u)
            if (lists.lanes.count(c * groups + u)) plan.arrayOf[size_t(c * groups + u)] = used[size_t(c)]++;
    plan.arrays = clusters ? *std::max_element(used.begin(), used.end()) : 0;
    const int arrays = plan.arrays;
    plan.groupAt.assign(size_t(arrays) * size_t(clusters), -1);
    for (int c = 0; c < clusters; ++c)
        for (int32_t u = 0; u < groups; ++u)
            if (int32_t a = plan.arrayOf[size_t(c * groups + u)]; a >= 0)
                plan.groupAt[size_t(a) * size_t(clusters) + size_t(c)] = u;

    // count[p][a]: (cluster, group) pairs routing lane p to array a. Fan-in of p = nonzero entries.
    std::vector<int32_t> count(size_t(lanesCount) * size_t(std::max(arrays, 1)), 0);
    auto cnt = [&](int p, int a) -> int32_t& { return count[size_t(p) * size_t(arrays) + size_t(a)]; };
    int64_t wires = 0;
    for (const auto& [key, lanes] : lists.lanes) {
        const int64_t c = key / groups;
        const int32_t u = int32_t(key % groups);
        const int32_t a = plan.arrayOf[size_t(c * groups + u)];
        for (int32_t p : lanes)
            wires += cnt(p, a)++ == 0;
    }
    plan.wiresInitial = wires;

    // Annealing: swap the contents of arrays a and b in cluster c. T = T0 / (i + 1)^1.4.
    const int64_t moves = arrays < 2
        ? 0
        : int64_t(std::max(1.0, effort) * double(std::max<int64_t>(100000, 50 * int64_t(arrays) * clusters)));
    plan.annealMoves = moves;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> pickCluster(0, std::max(0, clusters - 1));
    std::uniform_int_distribution<int> pickArray(0, std::max(0, arrays - 1));
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double t0 = 2.0;
    int64_t best = wires;
    std::vector<int32_t> bestGroupAt = plan.groupAt;
    auto apply = [&](int c, int a, int b) {
        // Move the lanes of the groups at (a, c) and (b, c) across; returns the change in wires.
        const int32_t ga = plan.groupAt[size_t(a) * size_t(clusters) + size_t(c)];
        const int32_t gb = plan.groupAt[size_t(b) * size_t(clusters) + size_t(c)];
        int64_t delta = 0;
        for (int32_t p : lists.of(c, ga, groups)) {
            delta -= --cnt(p, a) == 0;
            delta += cnt(p, b)++ == 0;
        }
        for (int32_t p : lists.of(c, gb, groups)) {
            delta -= --cnt(p, b) == 0;
            delta += cnt(p, a)++ == 0;
        }
        std::swap(plan.groupAt[size_t(a) * size_t(clusters) + size_t(c)],
            plan.groupAt[size_t(b) * size_t(clusters) + size_t(c)]);
        return delta;
    };
    for (int64_t i = 0; i < moves; ++i) {
        if (progress && i % 65536 == 0) {
            progress->checkpoint();
            progress->report(double(i) / double(moves), "annealing routing");
        }
        const int c = pickCluster(rng);
        const int a = pickArray(rng);
        int b = pickArray(rng);
        if (a == b) continue;
        if (plan.groupAt[size_t(a) * size_t(clusters) + size_t(c)] < 0
            && plan.groupAt[size_t(b) * size_t(clusters) + size_t(c)] < 0)
            continue;
        const int64_t delta = apply(c, a, b);
        const double t = t0 / std::pow(double(i + 1), 1.4);
        if (delta <= 0 || uniform(rng) < std::exp(-double(delta) / t)) {
            wires += delta;
            if (wires < best) {
                best = wires;
                bestGroupAt = plan.groupAt;
            }
        } else {
            apply(c, a, b); // undo: the same swap again
        }
    }
    plan.groupAt = bestGroupAt;
    plan.wiresFinal = best;

    std::fill(plan.arrayOf.begin(), plan.arrayOf.end(), -1);
    for (int a = 0; a < arrays; ++a)
        for (int c = 0; c < clusters; ++c)
            if (int32_t u = plan.groupAt[size_t(a) * size_t(clusters) + size_t(c)]; u >= 0)
                plan.arrayOf[size_t(c * groups + u)] = a;

    plan.laneArrays.assign(size_t(lanesCount), {});
    for (const auto& [key, lanes] : lists.lanes) {
        const int32_t a = plan.arrayOf[size_t(key)];
        for (int32_t p : lanes)
            plan.laneArrays[size_t(p)].push_back(a);
    }
    for (auto& list : plan.laneArrays) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
}

} // namespace luthier::arch::tlmac
