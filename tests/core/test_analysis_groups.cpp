// Weight-group statistics on layers worked out by hand, and on the shared models.

#include "analysis/group_stats.h"
#include "analysis/int_weights.h"
#include "analysis/layer_stats.h"
#include "dense_graph.h"
#include "onnx/importer.h"

#include <QtTest>

using namespace luthier;
using namespace luthier::analysis;

namespace {

// Input(3, uint2) -> Dense 3->2 with float weights [[0.5, -1, 0], [0.5, 0.5, -1]] quantised as int2 with scale 0.5,
// i.e. integers [[1, -2, 0], [1, 1, -2]], output uint2.
ir::Graph smallDenseGraph()
{
    return test::denseGraph(3, 2, { 0.5f, -1.0f, 0.0f, 0.5f, 0.5f, -1.0f }, 0.5);
}

IntWeights intWeights(int64_t out, int64_t in, int64_t kh, int64_t kw, std::vector<int32_t> values)
{
    IntWeights w;
    w.outChannels = out;
    w.inPerGroup = in;
    w.kernelH = kh;
    w.kernelW = kw;
    w.bits = 2;
    w.values = std::move(values);
    return w;
}

} // namespace

class TestAnalysisGroups : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void integerWeightsFollowTheQuantiser()
    {
        const ir::Graph g = smallDenseGraph();
        const IntWeights w = integerWeights(g.layers[1]);
        QCOMPARE(w.values, (std::vector<int32_t> { 1, -2, 0, 1, 1, -2 }));
        QCOMPARE(w.fanIn(), int64_t(3));
        const ir::QuantSpec* a = inputActivationQuant(g, 1);
        QVERIFY(a);
        QCOMPARE(a->bits, 2);
        ir::Layer floatLayer = g.layers[1];
        floatLayer.weightQuant.bits = 0;
        QVERIFY_THROWS_EXCEPTION(Error, integerWeights(floatLayer));
    }

    void denseGroupsByHand()
    {
        const IntWeights w = intWeights(2, 3, 1, 1, { 1, -2, 0, 1, 1, -2 });
        // Histogram: -2 twice, 0 once, 1 three times; zero fraction 1/6.
        const WeightHistogram h = weightHistogram(w);
        QCOMPARE(h.counts.at(-2), int64_t(2));
        QCOMPARE(h.counts.at(0), int64_t(1));
        QCOMPARE(h.counts.at(1), int64_t(3));
        QCOMPARE(h.zeroFraction(), 1.0 / 6.0);

        // G = 3 (the dense default): one group per output, (1,-2,0) and (1,1,-2): 2 unique, both in slice 0.
        const GroupStats g3 = groupStats(w, 0);
        QCOMPARE(g3.groupSize, 3);
        QCOMPARE(g3.totalGroups, int64_t(2));
        QCOMPARE(g3.uniqueGroups, int64_t(2));
        QCOMPARE(g3.uniqueSliceGroups, int64_t(2));
        QCOMPARE(g3.paddedWeights, int64_t(0));

        // G = 1: groups are single weights; unique values {1, -2, 0} with counts 3, 2, 1; top-1 covers 3/6.
        // Slices: {1,1} -> 1, {-2,1} -> 2, {0,-2} -> 2: 5 unique slice groups.
        const GroupStats g1 = groupStats(w, 1);
        QCOMPARE(g1.uniqueGroups, int64_t(3));
        QCOMPARE(g1.frequencies, (std::vector<int64_t> { 3, 2, 1 }));
        QCOMPARE(g1.topShare(1), 0.5);
        QCOMPARE(g1.topShare(10), 1.0);
        QCOMPARE(g1.groupsCovering(0.8), int64_t(2)); // top-2 cover 5/6 >= 0.8
        QCOMPARE(g1.groupsCovering(0.9), int64_t(3));
        QCOMPARE(g1.uniqueSliceGroups, int64_t(5));
        QCOMPARE(g1.topGroups.front(), std::vector<int32_t> { 1 });

        // G = 2: 3 inputs are padded to 4 with one zero per output: (1,-2),(0,0) and (1,1),(-2,0): 4 unique.
        const GroupStats g2 = groupStats(w, 2);
        QCOMPARE(g2.paddedWeights, int64_t(1));
        QCOMPARE(g2.groupsPerOutput, int64_t(2));
        QCOMPARE(g2.uniqueGroups, int64_t(4));
    }

    void convGroupsFollowKernelRows()
    {
        // Conv {out 2, in 1, kh 2, kw 3}: rows (1,0,-1) (1,0,-1) for output 0 and (1,0,-1) (0,0,0) for output 1.
        // Default G = kernel width 3; 4 groups, unique {(1,0,-1), (0,0,0)} = 2; slice 0 holds one group,
        // slice 1 two: 3 unique slice groups.
        const IntWeights w = intWeights(2, 1, 2, 3, { 1, 0, -1, 1, 0, -1, 1, 0, -1, 0, 0, 0 });
        const GroupStats g = groupStats(w, 0);
        QCOMPARE(g.groupSize, 3);
        QCOMPARE(g.rowLength, int64_t(3));
        QCOMPARE(g.totalGroups, int64_t(4));
        QCOMPARE(g.uniqueGroups, int64_t(2));
        QCOMPARE(g.frequencies, (std::vector<int64_t> { 3, 1 }));
        QCOMPARE(g.uniqueSliceGroups, int64_t(3));
        QCOMPARE(g.topGroups.front(), (std::vector<int32_t> { 1, 0, -1 }));

        // A 7-wide kernel does not fit a LUT6 address: G = 3 along rows of 7 (3 groups, 2 padded zeros per row);
        // with LUT8 the kernel width is the default again.
        const IntWeights wide = intWeights(1, 1, 1, 7, { 1, 2, 3, 4, 5, 6, 7 });
        QCOMPARE(defaultGroupSize(wide, 6), 3);
        QCOMPARE(defaultGroupSize(wide, 8), 7);
        const GroupStats w3 = groupStats(wide, 0);
        QCOMPARE(w3.groupsPerOutput, int64_t(3));
        QCOMPARE(w3.paddedWeights, int64_t(2));

        // A 1x1 conv groups along its input channels like a dense layer: 4 inputs, G = 3 -> 2 groups, 2 padded.
        const IntWeights pointwise = intWeights(1, 4, 1, 1, { 1, 1, 1, 1 });
        const GroupStats p = groupStats(pointwise, 0);
        QCOMPARE(p.groupSize, 3);
        QCOMPARE(p.groupsPerOutput, int64_t(2));
        QCOMPARE(p.paddedWeights, int64_t(2));
        QCOMPARE(p.uniqueGroups, int64_t(2)); // (1,1,1) and (1,0,0)
    }

    void wideKeysAreInternedExactly()
    {
        // 16-bit weights in groups of 8: the key space (2^16)^8 does not fit 64 bits, so groups are interned by
        // their bytes. Groups (30000, -30000, 0..) twice and (30000, -29999, 0..) once: 2 unique.
        std::vector<int32_t> v(3 * 8, 0);
        v[0] = 30000;
        v[1] = -30000;
        v[8] = 30000;
        v[9] = -30000;
        v[16] = 30000;
        v[17] = -29999;
        IntWeights w = intWeights(3, 8, 1, 1, v);
        w.bits = 16;
        const GroupStats g = groupStats(w, 8);
        QCOMPARE(g.uniqueGroups, int64_t(2));
        QCOMPARE(g.frequencies, (std::vector<int64_t> { 2, 1 }));
        QCOMPARE(g.topGroups[1][1], -29999);
    }

    void analyseSmallDense()
    {
        const ir::Graph g = smallDenseGraph();
        Progress progress;
        AnalysisOptions formulas; // the analytic cost models (the compiler's estimates: test_analysis_costs)
        formulas.compilerEstimates = false;
        const ModelStats m = analyseGraph(g, formulas, progress);
        QCOMPARE(m.layers.size(), size_t(1));
        const LayerStats& s = m.layers[0];
        QCOMPARE(s.activationBits, 2);
        QCOMPARE(s.outputBits, 2);
        QCOMPARE(s.groups.uniqueGroups, int64_t(2));
        // TLMAC by hand: P is clamped to the 2 outputs, one input group per output -> D_s = 1 step, one cluster
        // holding both unique groups -> N_arr = 2; N_lut = bits of the widest subset-sum range: (1,1,-2) spans
        // [-2, 2] -> 3 bits. Each lane reads one array: no multiplexer.
        QVERIFY(s.tlmac);
        QCOMPARE(s.tlmac->steps, int64_t(1));
        QCOMPARE(s.tlmac->arrays, int64_t(2));
        QCOMPARE(s.tlmac->lutWidth, int64_t(3));
        QCOMPARE(s.tlmac->muxLuts, int64_t(0));
        // The costs then equal the hand-computed ones of test_cost_models (TLMAC 47 LUTs / 2 cycles, unrolled 30).
        QCOMPARE(s.cost(ir::TemplateKind::Tlmac).lut, int64_t(47));
        QCOMPARE(s.cost(ir::TemplateKind::Tlmac).cycles, int64_t(2));
        QCOMPARE(s.cost(ir::TemplateKind::Unrolled).lut, int64_t(30));
        QCOMPARE(s.cost(ir::TemplateKind::LutDense).lut, int64_t(42));
        QCOMPARE(m.totals.size(), std::size(ir::kAllTemplates));
        QCOMPARE(m.totals[0].lut, int64_t(47));
    }

    void analyseTfc()
    {
        // TFC_2W2A: 784-64-64-64-10 with 2-bit narrow weights {-1, 0, 1} and 2-bit activations.
        const ir::Graph g = importer::importModel(std::string(LUTHIER_SHARED_DIR) + "/models/TFC_2W2A.onnx");
        Progress progress;
        AnalysisOptions options;
        options.tlmac.method = arch::tlmac::ClusterMethod::Greedy;
        options.compilerEstimates = false; // the cycles below are the formula's D_s x B_a
        const ModelStats m = analyseGraph(g, options, progress);
        QCOMPARE(m.layers.size(), size_t(4));
        const LayerStats& first = m.layers[0];
        QCOMPARE(first.fanIn, int64_t(784));
        QCOMPARE(first.weights, int64_t(784 * 64));
        QVERIFY(first.histogram.minLevel >= -1 && first.histogram.maxLevel <= 1);
        // 784 = 261 * 3 + 1: 262 groups per output with 2 padded zeros, 64 * 262 groups in all; at most 3^3
        // distinct groups exist.
        QCOMPARE(first.groups.groupsPerOutput, int64_t(262));
        QCOMPARE(first.groups.paddedWeights, int64_t(2));
        QCOMPARE(first.groups.totalGroups, int64_t(64 * 262));
        QVERIFY(first.groups.uniqueGroups <= 27);
        QVERIFY(!first.notes.empty()); // says that it padded
        // TLMAC: P = 64 = all outputs, so D_s = 262 steps, N_clus = 2^(6-3) = 8, 2-bit activations: 524 cycles;
        // N_lut <= B_w + ceil(log2 3) = 4; N_arr cannot exceed the unique groups.
        QCOMPARE(first.tlmac->steps, int64_t(262));
        QCOMPARE(first.tlmac->clusters, int64_t(8));
        QVERIFY(first.tlmac->lutWidth <= 4);
        QVERIFY(first.tlmac->arrays <= first.groups.uniqueGroups);
        QCOMPARE(first.cost(ir::TemplateKind::Tlmac).cycles, int64_t(524));
        // The last layer has no output quantiser: raw accumulator, no thresholds.
        QCOMPARE(m.layers[3].outputBits, 0);
        QCOMPARE(m.layers[3].outChannels, int64_t(10));
    }
};

QTEST_GUILESS_MAIN(TestAnalysisGroups)
#include "test_analysis_groups.moc"
