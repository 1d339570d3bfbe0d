#pragma once
// TLMAC planning of one conv/dense layer (DESIGN.md section 5, docs/papers.md "TLMAC"): weight groups,
// unique groups, steps, clustering of steps, allocation of groups to LUT arrays, annealed routing.
// Pure function of the integer weights and the options: the statistics view calls it for its cost model,
// the RTL emitter builds the tables and ROMs from the same plan.
//
// Vocabulary. A weight group is G consecutive weights along the innermost kernel axis of one output
// (dense: along the inputs; a row shorter than a multiple of G is padded with zero weights). A step is one
// (input group j, output block of P outputs) pair; in a step every lane (output) of the block consumes
// its own group j against the same G activations. Steps are clustered into N_clus = 2^(K-G) clusters; a
// LUT array holds one unique group per cluster at address {cluster, G activation bits}. Lane p reaches
// the arrays through a multiplexer; its fan-in is the number of distinct arrays it ever selects.

#include "util/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::quant {
struct IntLayer;
}

namespace luthier::arch::tlmac {

// Integer weights viewed as outputs x rows x rowLength (row-major). Dense: rows = 1, rowLength = inputs.
// Conv {out, in/groups, kh, kw}: rows = in/groups * kh, rowLength = kw.
struct LayerWeights {
    int64_t outputs = 0;
    int64_t rows = 1;
    int64_t rowLength = 0;
    std::vector<int32_t> values;
    int bits = 0; // weight bit-width of the signed (two's complement) range the values lie in
};

// Throws luthier::Error when the layer has no weights or its weight tensor has an unexpected shape.
LayerWeights layerWeightsOf(const quant::IntLayer& layer);

enum class ClusterMethod {
    Best, // run both, keep the one with fewer arrays (ties: greedy, it is cheaper to reproduce)
    Greedy, // sequential assignment + local moves (k-medoids-like refinement)
    Spectral, // spectral embedding of the step x unique-group incidence, cluster-QR labels, refinement
};

struct TlmacOptions {
    int lutInputs = 6; // K
    int groupSize = 3; // G; must be <= K
    int parallelOutputs = 64; // P; clamped to the layer's outputs
    uint64_t seed = 1;
    double effort = 1.0; // scales annealing moves (>= 1e5 at effort 1) and refinement passes
    ClusterMethod method = ClusterMethod::Best;
};

struct ClusteringReport {
    std::string method; // "greedy" / "spectral"
    int arrays = 0; // N_arr this clustering needs (max over clusters of unique groups used)
    double seconds = 0.0;
};

struct TlmacPlan {
    // Geometry.
    int lutInputs = 6, groupSize = 3, parallel = 1; // K, G, P (= D_p)
    int weightBits = 0;
    int64_t outputs = 0;
    int64_t groupsPerOutput = 0; // input groups j per output: rows * ceil(rowLength / G)
    int64_t blocks = 0; // ceil(outputs / P)
    int64_t steps = 0; // D_s = groupsPerOutput * blocks; step s = block * groupsPerOutput + j
    int clusters = 1; // N_clus = min(2^(K-G), steps)
    int clusterBits = 0; // K - G address bits that select the cluster

    // Unique groups, interned in order of first appearance (deterministic ids).
    std::vector<std::vector<int32_t>> uniqueGroups;
    int64_t totalGroups = 0; // outputs * groupsPerOutput
    int zeroGroup = -1; // id of the all-zero group or -1: never stored, its lanes add 0
    std::vector<int32_t> laneGroup; // steps x P: unique group id of lane p in step s; -1 past the last output

    // Clustering.
    std::vector<int32_t> clusterOfStep; // the cluster ROM contents
    std::vector<ClusteringReport> clusterings; // every method that ran
    std::string clusterMethod; // the one kept

    // Allocation: arrayOf[c * uniqueGroups.size() + u] = array holding group u in cluster c, or -1.
    int arrays = 0; // N_arr
    std::vector<int32_t> arrayOf;
    std::vector<int32_t> groupAt; // arrays x clusters: group id stored at (array, cluster), or -1 (empty)

    // Routing: per lane the arrays its multiplexer connects to (ascending), and the annealing result.
    std::vector<std::vector<int32_t>> laneArrays;
    std::vector<uint8_t> laneUsesZero; // lane selects the constant 0 in some step (zero group/padding)
    int64_t wiresInitial = 0, wiresFinal = 0; // total multiplexer fan-in before/after annealing
    int64_t annealMoves = 0;

    // Table width: N_lut = bits of the signed range of every subset sum of a stored group (<= B_w + ceil(log2 G)).
    int lutWidth = 0;

    // The value array `a` returns at address {cluster, activation bits} (sum of the weights whose bit is 1).
    int64_t tableValue(int array, int cluster, unsigned activationBits) const;
    // Routing ROM entry: the index into laneArrays[lane] lane selects in `step`, or laneArrays[lane].size()
    // for the constant 0.
    int routeSelect(int64_t step, int lane) const;

    // Estimates (LUT-K) of the lookup datapath: tables and output multiplexers.
    int64_t tableLuts() const { return int64_t(arrays) * lutWidth; }
    int64_t muxLuts() const;
    int64_t maxFanIn() const;
};

// Plans one layer. Deterministic for a given input and options. Reports progress and honours cancellation.
TlmacPlan planLayer(const LayerWeights& weights, const TlmacOptions& options, Progress* progress = nullptr);

// Bits of the smallest two's complement range holding [lo, hi].
int signedBitsFor(int64_t lo, int64_t hi);

// LUT-K needed for an f:1 multiplexer of one bit (K = 6: LUT6 4:1 muxes joined by MUXF7/MUXF8 up to 16:1;
// K = 4: 4:1 muxes of two LUT4).
int64_t muxLutsPerBit(int64_t fanIn, int lutInputs);

// LUT-K for one bit of a `case` multiplexer over a binary index, as the folded input select and TLMAC's
// activation select are written. Up to 16 inputs the muxLutsPerBit tree; wider, synth_xilinx (ABC) builds a
// sum of products instead: a LUT6 per three inputs with their decoded selects, then 6-input ORs (hand-written
// 22- to 784-input case multiplexers synthesise within about 10 % of this; the 4:1 tree undercounts by a third).
int64_t caseMuxLutsPerBit(int64_t fanIn, int lutInputs);

} // namespace luthier::arch::tlmac
