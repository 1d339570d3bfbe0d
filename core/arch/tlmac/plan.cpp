#include "arch/tlmac/plan.h"

#include "arch/tlmac/allocate.h"
#include "arch/tlmac/cluster.h"
#include "quant/int_graph.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>

namespace luthier::arch::tlmac {

namespace {

struct GroupHash {
    size_t operator()(const std::vector<int32_t>& g) const
    {
        uint64_t h = 1469598103934665603ULL;
        for (int32_t w : g)
            h = (h ^ uint64_t(uint32_t(w))) * 1099511628211ULL;
        return size_t(h);
    }
};

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

LayerWeights layerWeightsOf(const quant::IntLayer& layer)
{
    LayerWeights w;
    const auto& shape = layer.weightShape;
    if (layer.kind == ir::LayerKind::Dense && shape.size() == 2) {
        w.outputs = shape[0];
        w.rows = 1;
        w.rowLength = shape[1];
    } else if (layer.kind == ir::LayerKind::Conv && shape.size() == 4) {
        w.outputs = shape[0];
        w.rows = shape[1] * shape[2];
        w.rowLength = shape[3];
    } else {
        throw Error(std::string("TLMAC: layer kind ") + ir::toString(layer.kind) + " with weight shape "
            + ir::toString(shape) + " has no dense/conv weights to map");
    }
    if (int64_t(layer.weights.size()) != w.outputs * w.rows * w.rowLength)
        throw Error("TLMAC: weight count " + std::to_string(layer.weights.size()) + " does not match shape "
            + ir::toString(shape));
    w.values = layer.weights;
    w.bits = layer.weightSigned ? layer.weightBits : layer.weightBits + 1;
    return w;
}

int signedBitsFor(int64_t lo, int64_t hi)
{
    int bits = 1;
    while (lo < -(int64_t(1) << (bits - 1)) || hi > (int64_t(1) << (bits - 1)) - 1)
        ++bits;
    return bits;
}

int64_t muxLutsPerBit(int64_t fanIn, int lutInputs)
{
    if (fanIn <= 1) return 0;
    if (lutInputs == 6) {
        // 7-series/UltraScale: a LUT6 is a 4:1 mux and MUXF7/MUXF8 join up to four of them into 16:1 for free.
        const int64_t leaves = (fanIn + 3) / 4;
        return leaves + (fanIn > 16 ? muxLutsPerBit((fanIn + 15) / 16, lutInputs) : 0);
    }
    if (lutInputs == 4) {
        // iCE40: abc builds a 4:1 mux from two LUT4 (the first gives s0 when s1 picks the upper pair, else d0/d1;
        // the second picks d2/d3 by that or passes it on), so a level costs 2 per full 4:1 and 1 per input left
        // over (synth_ice40 on registered inputs: 4:1 -> 2 LUT4, 8:1 -> 5).
        int64_t luts = 0;
        for (int64_t n = fanIn; n > 1; n = (n + 3) / 4)
            luts += 2 * (n / 4) + std::max<int64_t>(0, n % 4 - 1);
        return luts;
    }
    // Otherwise a tree of LUT-K muxes with s select bits, 2^s + s <= K.
    int select = 1;
    while ((int64_t(1) << (select + 1)) + select + 1 <= lutInputs)
        ++select;
    const int64_t width = int64_t(1) << select;
    int64_t luts = 0;
    for (int64_t n = fanIn; n > 1; n = (n + width - 1) / width)
        luts += (n + width - 1) / width;
    return luts;
}

int64_t caseMuxLutsPerBit(int64_t fanIn, int lutInputs)
{
    if (lutInputs != 6 || fanIn <= 16) return muxLutsPerBit(fanIn, lutInputs);
    int64_t terms = (fanIn + 2) / 3, luts = terms;
    while (terms > 1) {
        terms = (terms + 5) / 6;
        luts += terms;
    }
    return luts;
}

int64_t TlmacPlan::muxLuts() const
{
    int64_t luts = 0;
    for (size_t p = 0; p < laneArrays.size(); ++p)
        luts += int64_t(lutWidth) * muxLutsPerBit(int64_t(laneArrays[p].size()) + laneUsesZero[p], lutInputs);
    return luts;
}

int64_t TlmacPlan::maxFanIn() const
{
    int64_t m = 0;
    for (const auto& list : laneArrays)
        m = std::max<int64_t>(m, int64_t(list.size()));
    return m;
}

int64_t TlmacPlan::tableValue(int array, int cluster, unsigned activationBits) const
{
    const int32_t u = groupAt[size_t(array) * size_t(clusters) + size_t(cluster)];
    if (u < 0) return 0;
    int64_t sum = 0;
    for (int g = 0; g < groupSize; ++g)
        if (activationBits >> g & 1u) sum += uniqueGroups[size_t(u)][size_t(g)];
    return sum;
}

int TlmacPlan::routeSelect(int64_t step, int lane) const
{
    const auto& list = laneArrays[size_t(lane)];
    const int32_t u = laneGroup[size_t(step * parallel + lane)];
    if (u < 0 || u == zeroGroup) return int(list.size());
    const int32_t a = arrayOf[size_t(int64_t(clusterOfStep[size_t(step)]) * int64_t(uniqueGroups.size()) + u)];
    return int(std::lower_bound(list.begin(), list.end(), a) - list.begin());
}

TlmacPlan planLayer(const LayerWeights& weights, const TlmacOptions& options, Progress* progress)
{
    if (options.lutInputs < 2 || options.lutInputs > 8)
        throw Error("TLMAC: LUT inputs K = " + std::to_string(options.lutInputs) + " (supported: 2..8)");
    if (options.groupSize < 1 || options.groupSize > options.lutInputs)
        throw Error("TLMAC: group size G = " + std::to_string(options.groupSize) + " must be in 1..K ("
            + std::to_string(options.lutInputs) + ")");
    if (options.parallelOutputs < 1) throw Error("TLMAC: parallel outputs P must be at least 1");
    if (weights.outputs < 1 || weights.rows < 1 || weights.rowLength < 1
        || int64_t(weights.values.size()) != weights.outputs * weights.rows * weights.rowLength)
        throw Error("TLMAC: weights do not form an outputs x rows x rowLength matrix");

    TlmacPlan plan;
    plan.lutInputs = options.lutInputs;
    plan.groupSize = options.groupSize;
    plan.parallel = int(std::min<int64_t>(options.parallelOutputs, weights.outputs));
    plan.weightBits = weights.bits;
    plan.outputs = weights.outputs;
    const int64_t groupsPerRow = (weights.rowLength + plan.groupSize - 1) / plan.groupSize;
    plan.groupsPerOutput = weights.rows * groupsPerRow;
    plan.blocks = (plan.outputs + plan.parallel - 1) / plan.parallel;
    plan.steps = plan.groupsPerOutput * plan.blocks;
    plan.totalGroups = plan.outputs * plan.groupsPerOutput;
    plan.clusterBits = plan.lutInputs - plan.groupSize;
    plan.clusters = int(std::min<int64_t>(int64_t(1) << plan.clusterBits, std::max<int64_t>(plan.steps, 1)));

    // Intern groups; lane p of step (block b, group j) is output b * P + p.
    if (progress) progress->report(0.0, "interning weight groups");
    std::unordered_map<std::vector<int32_t>, int32_t, GroupHash> ids;
    plan.laneGroup.assign(size_t(plan.steps * plan.parallel), -1);
    std::vector<int32_t> group(size_t(plan.groupSize));
    int64_t lo = 0, hi = 0;
    for (int64_t o = 0; o < plan.outputs; ++o) {
        const int64_t block = o / plan.parallel, lane = o % plan.parallel;
        for (int64_t r = 0; r < weights.rows; ++r)
            for (int64_t k = 0; k < groupsPerRow; ++k) {
                for (int g = 0; g < plan.groupSize; ++g) {
                    const int64_t x = k * plan.groupSize + g;
                    group[size_t(g)] = x < weights.rowLength
                        ? weights.values[size_t((o * weights.rows + r) * weights.rowLength + x)]
                        : 0;
                }
                auto [it, inserted] = ids.try_emplace(group, int32_t(plan.uniqueGroups.size()));
                if (inserted) {
                    plan.uniqueGroups.push_back(group);
                    int64_t neg = 0, pos = 0; // extreme subset sums
                    for (int32_t w : group)
                        (w < 0 ? neg : pos) += w;
                    lo = std::min(lo, neg);
                    hi = std::max(hi, pos);
                    if (std::all_of(group.begin(), group.end(), [](int32_t w) { return w == 0; }))
                        plan.zeroGroup = it->second;
                }
                const int64_t step = block * plan.groupsPerOutput + r * groupsPerRow + k;
                plan.laneGroup[size_t(step * plan.parallel + lane)] = it->second;
            }
    }
    plan.lutWidth = signedBitsFor(lo, hi);

    StepSets sets;
    sets.uniqueGroups = int64_t(plan.uniqueGroups.size());
    sets.groups.resize(size_t(plan.steps));
    for (int64_t s = 0; s < plan.steps; ++s) {
        auto& set = sets.groups[size_t(s)];
        for (int p = 0; p < plan.parallel; ++p) {
            const int32_t u = plan.laneGroup[size_t(s * plan.parallel + p)];
            if (u >= 0 && u != plan.zeroGroup) set.push_back(u);
        }
        std::sort(set.begin(), set.end());
        set.erase(std::unique(set.begin(), set.end()), set.end());
    }

    if (progress) progress->report(0.1, "clustering steps");
    const bool runGreedy = options.method != ClusterMethod::Spectral;
    const bool runSpectral = options.method != ClusterMethod::Greedy;
    std::vector<int32_t> greedyLabels, spectralLabels;
    if (runGreedy) {
        const auto start = std::chrono::steady_clock::now();
        greedyLabels = clusterGreedy(sets, plan.clusters, options.seed, options.effort, progress);
        plan.clusterings.push_back({ "greedy", arraysNeeded(sets, plan.clusters, greedyLabels), secondsSince(start) });
    }
    if (runSpectral) {
        const auto start = std::chrono::steady_clock::now();
        spectralLabels = clusterSpectral(sets, plan.clusters, options.seed, options.effort, progress);
        plan.clusterings.push_back(
            { "spectral", arraysNeeded(sets, plan.clusters, spectralLabels), secondsSince(start) });
    }
    const bool spectralWins = runSpectral && (!runGreedy || plan.clusterings[1].arrays < plan.clusterings[0].arrays);
    plan.clusterOfStep = spectralWins ? std::move(spectralLabels) : std::move(greedyLabels);
    plan.clusterMethod = spectralWins ? "spectral" : "greedy";

    if (progress) progress->report(0.4, "allocating arrays and annealing routing");
    allocateArrays(plan, options.seed, options.effort, progress);
    if (progress) progress->report(1.0, "planned");
    return plan;
}

} // namespace luthier::arch::tlmac
