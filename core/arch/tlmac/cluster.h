#pragma once
// Clustering of TLMAC steps by the unique weight groups they use (internal to the planner). The quality
// measure is the number of LUT arrays a clustering needs: max over clusters of the groups it uses.

#include "util/progress.h"

#include <cstdint>
#include <vector>

namespace luthier::arch::tlmac {

// Per step, the distinct stored unique groups its lanes use (ascending ids, zero group excluded).
struct StepSets {
    std::vector<std::vector<int32_t>> groups;
    int64_t uniqueGroups = 0;
};

int arraysNeeded(const StepSets& sets, int clusters, const std::vector<int32_t>& labels);

// Sequential assignment to the cluster whose union stays smallest, then refinement.
std::vector<int32_t> clusterGreedy(
    const StepSets& sets, int clusters, uint64_t seed, double effort, Progress* progress);

// Spectral embedding of the normalised step x group incidence (subspace iteration on the sparse matrix),
// cluster-QR labels (Damle, Minden, Ying), then the same refinement as greedy.
std::vector<int32_t> clusterSpectral(
    const StepSets& sets, int clusters, uint64_t seed, double effort, Progress* progress);

// Local moves of single steps between clusters while they lower sum(size^4) (a smooth stand-in for the
// maximum cluster size, which is what sets N_arr). Never increases the maximum.
void refineClusters(
    const StepSets& sets, int clusters, std::vector<int32_t>& labels, uint64_t seed, double effort, Progress* progress);

} // namespace luthier::arch::tlmac
