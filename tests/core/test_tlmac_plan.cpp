// TLMAC planning on small hand-worked layers: table contents, clustering quality on planted clusters,
// injective allocations, annealing that never adds wires, and a functional check that the tables and
// routing reproduce the layer's dot products exactly.

#include "arch/hw_design.h"
#include "arch/tlmac/layer_units.h"
#include "arch/tlmac/plan.h"

#include <QtTest/QtTest>
#include <random>
#include <set>

using namespace luthier::arch;
using namespace luthier::arch::tlmac;

namespace {

LayerWeights randomLayer(int64_t outputs, int64_t inputs, int bits, uint64_t seed)
{
    LayerWeights w;
    w.outputs = outputs;
    w.rowLength = inputs;
    w.bits = bits;
    std::mt19937_64 rng(seed);
    // Laplace-like: mostly small magnitudes, like trained quantised weights.
    std::geometric_distribution<int> magnitude(0.55);
    std::bernoulli_distribution negative(0.5);
    const int maxAbs = (1 << (bits - 1)) - 1;
    for (int64_t i = 0; i < outputs * inputs; ++i) {
        const int m = std::min(maxAbs, magnitude(rng));
        w.values.push_back(negative(rng) ? -m : m);
    }
    return w;
}

// Wires counted from scratch: distinct arrays each lane reads over all steps.
int64_t recountWires(const TlmacPlan& plan)
{
    int64_t wires = 0;
    for (int p = 0; p < plan.parallel; ++p) {
        std::set<int32_t> arrays;
        for (int64_t s = 0; s < plan.steps; ++s) {
            const int32_t u = plan.laneGroup[size_t(s * plan.parallel + p)];
            if (u >= 0 && u != plan.zeroGroup)
                arrays.insert(
                    plan.arrayOf[size_t(plan.clusterOfStep[size_t(s)] * int64_t(plan.uniqueGroups.size()) + u)]);
        }
        wires += int64_t(arrays.size());
    }
    return wires;
}

} // namespace

class TestTlmacPlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tableOfOneGroup()
    {
        // One output, weights {1, -2, 3}: one group, one step, one cluster, one array.
        LayerWeights w { 1, 1, 3, { 1, -2, 3 }, 3 };
        const TlmacPlan plan = planLayer(w, {});
        QCOMPARE(plan.arrays, 1);
        QCOMPARE(plan.steps, int64_t(1));
        // Address bits g select w_g: 000 -> 0, 001 -> 1, 010 -> -2, 011 -> -1, 100 -> 3, 101 -> 4, 110 -> 1, 111 -> 2.
        const int64_t expected[8] = { 0, 1, -2, -1, 3, 4, 1, 2 };
        for (unsigned a = 0; a < 8; ++a)
            QCOMPARE(plan.tableValue(0, 0, a), expected[a]);
        // Range [-2, 4] needs 4 signed bits (B_w + ceil(log2 G) = 5 is the general bound).
        QCOMPARE(plan.lutWidth, 4);

        HwLayer layer;
        layer.module = "one";
        TlmacDatapath d;
        d.plan = plan;
        d.inputs = 3;
        d.accBits = 6;
        d.raw = true;
        d.rawBits = 6;
        d.offset = { 0 };
        layer.tlmac = d;
        describeLayer(layer);
        QCOMPARE(layer.arrays.size(), size_t(1));
        // Bit 0 is 1 where the sum is odd: addresses 1, 3, 4, 6 -> 0b01011010. Bit 3 (sign): addresses 2, 3.
        QCOMPARE(layer.arrays[0].init[0][0], uint64_t(0x5A));
        QCOMPARE(layer.arrays[0].init[3][0], uint64_t(0x0C));
    }

    void plantedClusters()
    {
        // 5 outputs, 32 input groups; input group j belongs to family j % 8 and lane p uses group (family, p),
        // distinct for every (family, p). Clustering by family gives 8 clusters of 5 groups: N_arr = 5, and
        // any other clustering needs more.
        LayerWeights w;
        w.outputs = 5;
        w.rowLength = 32 * 3;
        w.bits = 4;
        for (int p = 0; p < 5; ++p)
            for (int j = 0; j < 32; ++j) {
                const int family = j % 8;
                w.values.insert(w.values.end(), { family - 4, p - 2, 1 });
            }
        for (ClusterMethod method : { ClusterMethod::Greedy, ClusterMethod::Spectral }) {
            TlmacOptions options;
            options.method = method;
            const TlmacPlan plan = planLayer(w, options);
            QCOMPARE(plan.clusters, 8);
            QCOMPARE(plan.uniqueGroups.size(), size_t(40));
            QCOMPARE(plan.arrays, 5);
        }
    }

    void allocationInvariants()
    {
        for (uint64_t seed : { 1u, 2u, 3u }) {
            const LayerWeights w = randomLayer(24, 90, 3, seed);
            TlmacOptions options;
            options.parallelOutputs = 8;
            options.seed = seed;
            const TlmacPlan plan = planLayer(w, options);
            QCOMPARE(plan.blocks, int64_t(3));
            QVERIFY(plan.wiresFinal <= plan.wiresInitial);
            QCOMPARE(recountWires(plan), plan.wiresFinal);
            // Each cluster's group -> array map is injective, and every group a step uses is stored.
            const int64_t groups = int64_t(plan.uniqueGroups.size());
            for (int c = 0; c < plan.clusters; ++c) {
                std::set<int32_t> arrays;
                for (int64_t u = 0; u < groups; ++u)
                    if (int32_t a = plan.arrayOf[size_t(c * groups + u)]; a >= 0) {
                        QVERIFY(a < plan.arrays);
                        QVERIFY(arrays.insert(a).second);
                    }
            }
            for (int64_t s = 0; s < plan.steps; ++s)
                for (int p = 0; p < plan.parallel; ++p) {
                    const int32_t u = plan.laneGroup[size_t(s * plan.parallel + p)];
                    if (u >= 0 && u != plan.zeroGroup)
                        QVERIFY(plan.arrayOf[size_t(plan.clusterOfStep[size_t(s)] * groups + u)] >= 0);
                }
            // N_arr is the largest number of groups one cluster uses, and both clusterings were reported.
            QCOMPARE(plan.clusterings.size(), size_t(2));
            int best = INT32_MAX;
            for (const auto& c : plan.clusterings)
                best = std::min(best, c.arrays);
            QCOMPARE(plan.arrays, best);
        }
    }

    void tablesAndRoutingComputeTheDotProducts()
    {
        // y_o = sum_i w_oi x_i for one bit-plane of activations, computed through cluster select, tables and
        // each lane's multiplexer select, equals the direct sum.
        const LayerWeights w = randomLayer(20, 50, 3, 7);
        TlmacOptions options;
        options.parallelOutputs = 6;
        const TlmacPlan plan = planLayer(w, options);
        std::mt19937_64 rng(11);
        for (int trial = 0; trial < 20; ++trial) {
            std::vector<int> x(size_t(plan.groupsPerOutput * plan.groupSize), 0);
            for (int64_t i = 0; i < w.rowLength; ++i)
                x[size_t(i)] = int(rng() & 1u);
            for (int64_t o = 0; o < w.outputs; ++o) {
                int64_t direct = 0;
                for (int64_t i = 0; i < w.rowLength; ++i)
                    direct += w.values[size_t(o * w.rowLength + i)] * x[size_t(i)];
                const int64_t block = o / plan.parallel;
                const int lane = int(o % plan.parallel);
                int64_t viaTables = 0;
                for (int64_t j = 0; j < plan.groupsPerOutput; ++j) {
                    const int64_t s = block * plan.groupsPerOutput + j;
                    unsigned bits = 0;
                    for (int g = 0; g < plan.groupSize; ++g)
                        bits |= unsigned(x[size_t(j * plan.groupSize + g)]) << g;
                    const int select = plan.routeSelect(s, lane);
                    const auto& inputs = plan.laneArrays[size_t(lane)];
                    if (select < int(inputs.size()))
                        viaTables += plan.tableValue(inputs[size_t(select)], plan.clusterOfStep[size_t(s)], bits);
                }
                QCOMPARE(viaTables, direct);
            }
        }
    }

    void deterministicForASeed()
    {
        const LayerWeights w = randomLayer(16, 60, 3, 5);
        TlmacOptions options;
        options.seed = 42;
        const TlmacPlan a = planLayer(w, options), b = planLayer(w, options);
        QCOMPARE(a.clusterOfStep, b.clusterOfStep);
        QCOMPARE(a.groupAt, b.groupAt);
        QCOMPARE(a.wiresFinal, b.wiresFinal);
    }

    void rejectsBadOptions()
    {
        const LayerWeights w = randomLayer(4, 9, 3, 1);
        TlmacOptions options;
        options.groupSize = 7; // > K = 6
        QVERIFY_THROWS_EXCEPTION(luthier::Error, planLayer(w, options));
    }

    void muxTreeSizes()
    {
        // LUT6 is a 4:1 mux and MUXF7/MUXF8 join four of them: 4 -> 1, 5 -> 2, 16 -> 4 LUTs; 17 inputs need
        // 5 leaves and one more 2:1 level (1 LUT); 1 input needs none.
        QCOMPARE(muxLutsPerBit(1, 6), int64_t(0));
        QCOMPARE(muxLutsPerBit(4, 6), int64_t(1));
        QCOMPARE(muxLutsPerBit(5, 6), int64_t(2));
        QCOMPARE(muxLutsPerBit(16, 6), int64_t(4));
        QCOMPARE(muxLutsPerBit(17, 6), int64_t(6));
        // Two LUT4 make a 4:1 mux, leftover inputs cost one each: 4 -> 2, 7 -> 2 + 2 then 2:1 -> 5, 8 -> 2 + 2 + 1.
        QCOMPARE(muxLutsPerBit(4, 4), int64_t(2));
        QCOMPARE(muxLutsPerBit(7, 4), int64_t(5));
        QCOMPARE(muxLutsPerBit(8, 4), int64_t(5));
    }
};

QTEST_GUILESS_MAIN(TestTlmacPlan)
#include "test_tlmac_plan.moc"
