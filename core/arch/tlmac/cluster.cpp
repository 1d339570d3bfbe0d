#include "arch/tlmac/cluster.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace luthier::arch::tlmac {

namespace {

// Per cluster: how many of its steps use each unique group, and how many groups it uses.
struct ClusterCounts {
    ClusterCounts(const StepSets& sets, int clusters)
        : groups(sets.uniqueGroups)
        , count(size_t(clusters) * size_t(sets.uniqueGroups), 0)
        , size(size_t(clusters), 0)
    {
    }
    int32_t& at(int c, int32_t u) { return count[size_t(c) * size_t(groups) + size_t(u)]; }
    void add(const std::vector<int32_t>& set, int c)
    {
        for (int32_t u : set)
            if (at(c, u)++ == 0) ++size[size_t(c)];
    }
    void remove(const std::vector<int32_t>& set, int c)
    {
        for (int32_t u : set)
            if (--at(c, u) == 0) --size[size_t(c)];
    }
    int64_t added(const std::vector<int32_t>& set, int c)
    {
        int64_t n = 0;
        for (int32_t u : set)
            n += at(c, u) == 0;
        return n;
    }
    int64_t removed(const std::vector<int32_t>& set, int c)
    {
        int64_t n = 0;
        for (int32_t u : set)
            n += at(c, u) == 1;
        return n;
    }

    int64_t groups;
    std::vector<int32_t> count;
    std::vector<int64_t> size;
};

double pow4(double x)
{
    return x * x * x * x;
}

} // namespace

int arraysNeeded(const StepSets& sets, int clusters, const std::vector<int32_t>& labels)
{
    ClusterCounts counts(sets, clusters);
    for (size_t s = 0; s < sets.groups.size(); ++s)
        counts.add(sets.groups[s], labels[s]);
    return int(*std::max_element(counts.size.begin(), counts.size.end()));
}

std::vector<int32_t> clusterGreedy(const StepSets& sets, int clusters, uint64_t seed, double effort, Progress* progress)
{
    const size_t steps = sets.groups.size();
    std::vector<int32_t> labels(steps, 0);
    ClusterCounts counts(sets, clusters);
    for (size_t s = 0; s < steps; ++s) {
        if (progress && s % 4096 == 0) progress->checkpoint();
        // The cluster whose union stays smallest; among equals the one that grows least (most sharing).
        int best = 0;
        int64_t bestSize = INT64_MAX, bestAdded = INT64_MAX;
        for (int c = 0; c < clusters; ++c) {
            const int64_t added = counts.added(sets.groups[s], c);
            const int64_t size = counts.size[size_t(c)] + added;
            if (size < bestSize || (size == bestSize && added < bestAdded)) {
                best = c;
                bestSize = size;
                bestAdded = added;
            }
        }
        labels[s] = best;
        counts.add(sets.groups[s], best);
    }
    refineClusters(sets, clusters, labels, seed, effort, progress);
    return labels;
}

void refineClusters(
    const StepSets& sets, int clusters, std::vector<int32_t>& labels, uint64_t seed, double effort, Progress* progress)
{
    const size_t steps = sets.groups.size();
    if (clusters < 2 || steps == 0) return;
    ClusterCounts counts(sets, clusters);
    for (size_t s = 0; s < steps; ++s)
        counts.add(sets.groups[s], labels[s]);
    std::vector<size_t> order(steps);
    std::iota(order.begin(), order.end(), size_t(0));
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
    const int passes = std::max(2, int(8 * effort));
    for (int pass = 0; pass < passes; ++pass) {
        std::shuffle(order.begin(), order.end(), rng);
        bool moved = false;
        for (size_t i = 0; i < steps; ++i) {
            if (progress && i % 4096 == 0) progress->checkpoint();
            const size_t s = order[i];
            const auto& set = sets.groups[s];
            const int from = labels[s];
            const int64_t removed = counts.removed(set, from);
            if (removed == 0) continue; // leaving would not shrink its cluster
            const int64_t maxSize = *std::max_element(counts.size.begin(), counts.size.end());
            const double sizeFrom = double(counts.size[size_t(from)]);
            int best = -1;
            double bestDelta = 0.0;
            for (int c = 0; c < clusters; ++c) {
                if (c == from) continue;
                const int64_t added = counts.added(set, c);
                if (counts.size[size_t(c)] + added > maxSize) continue; // would raise the array count
                const double sizeTo = double(counts.size[size_t(c)]);
                const double delta
                    = pow4(sizeFrom - double(removed)) - pow4(sizeFrom) + pow4(sizeTo + double(added)) - pow4(sizeTo);
                if (delta < bestDelta) {
                    bestDelta = delta;
                    best = c;
                }
            }
            if (best >= 0) {
                counts.remove(set, from);
                counts.add(set, best);
                labels[s] = best;
                moved = true;
            }
        }
        if (!moved) break;
    }
}

} // namespace luthier::arch::tlmac
