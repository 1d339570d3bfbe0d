#pragma once
// Weight-group statistics of one layer (DESIGN.md section 4): each output's weights are cut into groups of G
// consecutive weights along the innermost kernel axis; identical groups are interned exactly, so the number of
// unique groups is what a table-lookup template has to store.

#include "analysis/int_weights.h"

#include <cstdint>
#include <map>
#include <vector>

namespace luthier::analysis {

struct GroupStats {
    int groupSize = 0; // G
    int64_t rowLength = 0; // weights per row that is cut into groups (kernel width, or the whole fan-in)
    int64_t groupsPerOutput = 0;
    int64_t totalGroups = 0; // outputs x groupsPerOutput
    int64_t paddedWeights = 0; // zeros appended per output because rowLength is not a multiple of G
    int64_t uniqueGroups = 0; // N_uwg over the whole layer
    // Sum over input slices (same position in every output of one conv group) of the unique groups in that slice:
    // the tables an unrolled design needs when identical (input slice, group) pairs are computed once.
    int64_t uniqueSliceGroups = 0;
    std::vector<int64_t> frequencies; // occurrences of each unique group, descending
    std::vector<std::vector<int32_t>> topGroups; // the most frequent groups' weights, same order (at most 16)

    // Share of all groups covered by the k most frequent unique groups (1.0 when k >= uniqueGroups).
    double topShare(int64_t k) const;
    // Smallest k whose top-k share reaches `share` (e.g. 0.9).
    int64_t groupsCovering(double share) const;
};

struct WeightHistogram {
    std::map<int32_t, int64_t> counts; // integer level -> occurrences
    int64_t total = 0;
    int64_t zeros = 0;
    int32_t minLevel = 0, maxLevel = 0;
    double zeroFraction() const { return total ? double(zeros) / double(total) : 0.0; }
};

// The default G: the kernel width for convs wider than 1 whose rows fit a K-input LUT's address (TLMAC needs
// G <= K), else 3 (along the fan-in, or along kernel rows wider than K, padded).
int defaultGroupSize(const IntWeights& weights, int lutInputs = 6);

// Length of the rows groups are cut from: the kernel width when a group fits in one kernel row (TLMAC's 3x3 case),
// else the whole per-output vector in layout order {in, kh, kw} (dense layers, 1x1 convs, G = 9 over a 3x3 kernel).
int64_t groupRowLength(const IntWeights& weights, int groupSize);

WeightHistogram weightHistogram(const IntWeights& weights);
GroupStats groupStats(const IntWeights& weights, int groupSize);

} // namespace luthier::analysis
