// Bit-width overrides and post-training quantisation: parsing, re-quantisation from the float weights (worked by
// hand), n-BQ-NN power-of-two levels, activation re-bitting, and the accuracy effect on real models.

#include "analysis/accuracy.h"
#include "analysis/int_weights.h"
#include "analysis/layer_stats.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "quant/ptq.h"
#include "sim/calibration.h"
#include "sim/dataset.h"

#include <QtTest>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

ir::PointwiseOp quantOp(int bits, bool isSigned, double scale)
{
    ir::PointwiseOp op;
    op.kind = ir::PointwiseKind::Quant;
    op.quant.bits = bits;
    op.quant.isSigned = isSigned;
    op.quant.scale = { scale };
    return op;
}

// Input(3, uint2) -> Dense "fc.1" 3->2 with float weights [[0.3, -1.0, 0.1], [0.6, 0.5, -0.9]] under an int2
// quantiser of scale 0.5, output uint2 of scale 1.
ir::Graph handGraph()
{
    ir::Graph g;
    ir::Layer input;
    input.name = "x";
    input.kind = ir::LayerKind::Input;
    input.outShape = { 3 };
    input.epilogue.push_back(quantOp(2, false, 1.0));
    ir::Layer dense;
    dense.name = "fc.1";
    dense.kind = ir::LayerKind::Dense;
    dense.opType = "MatMul";
    dense.inputs = { 0 };
    dense.outShape = { 2 };
    dense.weight.shape = { 2, 3 };
    dense.weight.data = { 0.3f, -1.0f, 0.1f, 0.6f, 0.5f, -0.9f };
    dense.weightQuant.bits = 2;
    dense.weightQuant.scale = { 0.5 };
    dense.epilogue.push_back(quantOp(2, false, 1.0));
    g.layers = { input, dense };
    g.outputs = { 1 };
    return g;
}

struct Mnist {
    sim::Dataset inputs;
    std::vector<int64_t> labels;
};

Mnist mnist(const ir::Graph& g, int64_t count)
{
    Mnist m;
    m.inputs = sim::loadInputs(kShared + "/data/mnist_x_2k.npy", g.layers.at(0).outShape);
    m.labels = sim::loadLabels(kShared + "/data/mnist_y_2k.npy", m.inputs.count);
    m.inputs.count = count;
    m.inputs.data.resize(size_t(count * m.inputs.sampleSize()));
    m.labels.resize(size_t(count));
    return m;
}

} // namespace

class TestOverrides : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesAssignments()
    {
        const quant::Overrides o = quant::parseAssignments(
            { "fc.1.wbits=3", "fc.1.scheme=pow2", "conv.abits=4", "*.template=lutna", "conv.group=9" });
        QCOMPARE(o.at("fc.1").weightBits.value(), 3); // the layer name keeps its dot
        QVERIFY(o.at("fc.1").weightScheme == ir::WeightScheme::PowerOfTwo);
        QCOMPARE(o.at("conv").activationBits.value(), 4);
        QCOMPARE(o.at("conv").groupSize.value(), 9);
        QVERIFY(o.at("*").templateKind == ir::TemplateKind::LutNa);
        QVERIFY_THROWS_EXCEPTION(Error, quant::parseAssignments({ "fc.wbits" }));
        QVERIFY_THROWS_EXCEPTION(Error, quant::parseAssignments({ "fc.wbits=0" }));
        QVERIFY_THROWS_EXCEPTION(Error, quant::parseAssignments({ "fc.colour=3" }));
        QVERIFY_THROWS_EXCEPTION(Error, quant::parseAssignments({ "fc.scheme=log" }));
        QVERIFY_THROWS_EXCEPTION(
            Error, quant::applyOverrides(handGraph(), quant::parseAssignments({ "nope.wbits=3" })));
    }

    void requantisesFromFloatWeights()
    {
        // Before: int2 scale 0.5 -> row 0: 0.6 -> 1, -2, 0.2 -> 0; row 1: 1.2 -> 1, 1.0 -> 1, -1.8 -> -2.
        const ir::Graph g = handGraph();
        QCOMPARE(analysis::integerWeights(g.layers[1]).values, (std::vector<int32_t> { 1, -2, 0, 1, 1, -2 }));
        // 3 bits per channel (the model was per tensor, so force it), narrow: scale = max|w| / 3.
        // Row 0: max 1.0, scale 1/3: 0.9 -> 1, -3, 0.3 -> 0. Row 1: max 0.9, scale 0.3: 2, 1.67 -> 2, -3.
        // (Re-quantising the int2 values 0.5/-1/0 instead would give 1.5 -> 2 for the first weight.)
        quant::ApplyOptions perChannel;
        perChannel.granularity = quant::ScaleGranularity::PerChannel;
        const ir::Graph g3 = quant::applyOverrides(g, quant::parseAssignments({ "fc.1.wbits=3" }), perChannel);
        QCOMPARE(analysis::integerWeights(g3.layers[1]).values, (std::vector<int32_t> { 1, -3, 0, 2, 2, -3 }));
        QCOMPARE(g3.layers[1].weightQuant.scale.size(), size_t(2));
        // Kept granularity (per tensor): max 1.0, scale 1/3 for both rows: 0.6*3 = 1.8 -> 2, 1.5 -> 2 (half even),
        // -2.7 -> -3.
        const ir::Graph gt = quant::applyOverrides(g, quant::parseAssignments({ "fc.1.wbits=3" }));
        QCOMPARE(analysis::integerWeights(gt.layers[1]).values, (std::vector<int32_t> { 1, -3, 0, 2, 2, -3 }));
        QCOMPARE(gt.layers[1].weightQuant.scale.size(), size_t(1));
        // 1 bit: bipolar signs.
        const ir::Graph g1 = quant::applyOverrides(g, quant::parseAssignments({ "fc.1.wbits=1" }));
        QCOMPARE(analysis::integerWeights(g1.layers[1]).values, (std::vector<int32_t> { 1, -1, 1, 1, 1, -1 }));
        // The lowering produces the same integers the analysis reads.
        const quant::IntGraph ig = quant::lowerToInteger(g3);
        QCOMPARE(ig.layers[1].weights, (std::vector<int32_t> { 1, -3, 0, 2, 2, -3 }));
    }

    void powerOfTwoLevels()
    {
        // The official 3-bit thresholds: t < 0.02 -> 0, < 0.07 -> 1/4 (k=2), < 0.14 -> 1/2 (k=1), else 1 (k=0).
        QCOMPARE(quant::powerOfTwoLevel(0.019, 3), -1);
        QCOMPARE(quant::powerOfTwoLevel(0.02, 3), 2);
        QCOMPARE(quant::powerOfTwoLevel(0.069, 3), 2);
        QCOMPARE(quant::powerOfTwoLevel(0.07, 3), 1);
        QCOMPARE(quant::powerOfTwoLevel(0.139, 3), 1);
        QCOMPARE(quant::powerOfTwoLevel(0.14, 3), 0);
        QCOMPARE(quant::powerOfTwoLevel(1.0, 3), 0);
        // 2 bits: r = 1, levels {0, 1}: zero below 0.08.
        QCOMPARE(quant::powerOfTwoLevel(0.07, 2), -1);
        QCOMPARE(quant::powerOfTwoLevel(0.5, 2), 0);
        QCOMPARE(quant::powerOfTwoContainerBits(3), 4); // integers up to 4

        // Weights [1.0, 0.1, -0.05, 0.01, 0.3] per tensor, 3-bit pow2: levels 1, 1/2, -1/4, 0, 1 on the scale
        // max * 2^-2 = 1/4 -> integers 4, 2, -1, 0, 4.
        ir::Graph g = handGraph();
        ir::Layer& d = g.layers[1];
        d.outShape = { 1 };
        d.weight.shape = { 1, 5 };
        d.weight.data = { 1.0f, 0.1f, -0.05f, 0.01f, 0.3f };
        g.layers[0].outShape = { 5 };
        const ir::Graph p = quant::applyOverrides(g, quant::parseAssignments({ "fc.1.wbits=3", "fc.1.scheme=pow2" }));
        const analysis::IntWeights w = analysis::integerWeights(p.layers[1]);
        QCOMPARE(w.values, (std::vector<int32_t> { 4, 2, -1, 0, 4 }));
        QVERIFY(w.scheme == ir::WeightScheme::PowerOfTwo);
        QCOMPARE(quant::lowerToInteger(p).layers[1].weights, w.values);
        // The shift-add template accepts these weights.
        Progress progress;
        const analysis::ModelStats stats = analysis::analyseGraph(p, {}, progress);
        QVERIFY(stats.layers[0].cost(ir::TemplateKind::ShiftAdd).available);
        QVERIFY_THROWS_EXCEPTION(
            Error, quant::applyOverrides(g, quant::parseAssignments({ "fc.1.wbits=1", "fc.1.scheme=pow2" })));
        QVERIFY_THROWS_EXCEPTION(
            Error, quant::applyOverrides(g, quant::parseAssignments({ "fc.1.wbits=6", "fc.1.scheme=pow2" })));
    }

    void activationBitsKeepTheRange()
    {
        // uint2 scale 1 covers [0, 3]; at 4 bits the same range needs scale 3/15 = 0.2.
        const ir::Graph g = quant::applyOverrides(handGraph(), quant::parseAssignments({ "x.abits=4" }));
        const ir::QuantSpec* q = g.layers[0].outputQuant();
        QCOMPARE(q->bits, 4);
        QCOMPARE(q->scale[0], 0.2);
        // The analysis sees 4-bit input activations: TLMAC takes 4 cycles per step instead of 2.
        Progress progress;
        analysis::AnalysisOptions formulas; // D_s x B_a cycles exactly (the compiler adds pipeline cycles)
        formulas.compilerEstimates = false;
        const auto before = analysis::analyseGraph(handGraph(), formulas, progress);
        const auto after = analysis::analyseGraph(g, formulas, progress);
        QCOMPARE(after.layers[0].activationBits, 4);
        QCOMPARE(after.layers[0].cost(ir::TemplateKind::Tlmac).cycles,
            2 * before.layers[0].cost(ir::TemplateKind::Tlmac).cycles);
        // `*.abits` reaches the producer of every weight layer's input: here the model input.
        const ir::Graph all = quant::applyOverrides(handGraph(), quant::parseAssignments({ "*.abits=3" }));
        QCOMPARE(all.layers[0].outputQuant()->bits, 3);
        QCOMPARE(all.layers[1].outputQuant()->bits, 2); // the output quantiser of the last layer is not an input
    }

    void overridesChangeAccuracyConsistently()
    {
        // TFC_2W2A on 500 MNIST digits: as imported, weights re-quantised from floats at 2 bits (the model's own
        // width, but with max-abs scales), and the first layer forced to bipolar weights.
        const ir::Graph g = importer::importModel(kShared + "/models/TFC_2W2A.onnx");
        const Mnist data = mnist(g, 500);
        Progress progress;
        const analysis::Accuracy base = analysis::measureAccuracy(g, data.inputs, data.labels, progress);
        QVERIFY(base.intAccuracy > 0.9);
        const ir::Graph w2 = quant::applyOverrides(g, quant::parseAssignments({ "*.wbits=2" }));
        const analysis::Accuracy a2 = analysis::measureAccuracy(w2, data.inputs, data.labels, progress);
        QVERIFY(a2.intAccuracy > 0.9);
        const std::string first = g.layers[size_t(analysis::analyseGraph(g, {}, progress).layers[0].index)].name;
        const ir::Graph w1 = quant::applyOverrides(g, quant::parseAssignments({ first + ".wbits=1" }));
        const analysis::Accuracy a1 = analysis::measureAccuracy(w1, data.inputs, data.labels, progress);
        QVERIFY2(a1.intAccuracy < base.intAccuracy - 0.2, "bipolar first-layer weights without retraining must hurt");
        // The golden model and the float reference agree on every override (thresholds were recomputed).
        QVERIFY(a2.agreement > 0.99);
        QVERIFY(a1.agreement > 0.99);
        // More weight bits cost more TLMAC table LUTs (N_lut grows with B_w).
        const ir::Graph w4 = quant::applyOverrides(g, quant::parseAssignments({ "*.wbits=4" }));
        analysis::AnalysisOptions fast;
        fast.tlmac.method = arch::tlmac::ClusterMethod::Greedy;
        const auto s2 = analysis::analyseGraph(w2, fast, progress);
        const auto s4 = analysis::analyseGraph(w4, fast, progress);
        QVERIFY(s4.layers[0].tlmac->lutWidth > s2.layers[0].tlmac->lutWidth);
        QVERIFY(s4.totals[0].lut > s2.totals[0].lut);
    }

    void postTrainingQuantisesFloatModels()
    {
        const ir::Graph g = importer::importModel(kShared + "/models/three_layer_keras.onnx");
        QVERIFY(quant::needsPostTraining(g));
        sim::Dataset x
            = sim::loadInputs(kShared + "/models/reference/three_layer_keras.input.npy", g.layers[0].outShape);
        Progress progress;
        const auto ranges = sim::calibrateRanges(g, x, progress);
        const quant::PreparedGraph p = quant::prepareGraph(g, {}, 8, 8, ranges);
        QVERIFY(!quant::needsPostTraining(p.graph));
        for (const ir::Layer& l : p.graph.layers)
            if (ir::hasWeights(l.kind)) QCOMPARE(l.weightQuant.bits, 8);
        // Against ONNX Runtime's float decisions (the reference outputs), 8-bit PTQ keeps nearly every class.
        const sim::Dataset ref = sim::loadInputs(kShared + "/models/reference/three_layer_keras.ort_output.npy",
            p.graph.layers[size_t(p.graph.outputs[0])].outShape);
        std::vector<int64_t> labels;
        for (int64_t i = 0; i < ref.count; ++i)
            labels.push_back(sim::argmax(ref.sample(i), ref.sampleSize()));
        const analysis::Accuracy a = analysis::measureAccuracy(p.graph, x, labels, progress);
        QVERIFY2(a.intAccuracy > 0.95, std::to_string(a.intAccuracy).c_str());
        // Without calibration data hidden activations stay float, with a note.
        const quant::PreparedGraph weightsOnly = quant::prepareGraph(g, {}, 8, 8, {});
        QVERIFY(!weightsOnly.notes.empty());
    }
};

QTEST_GUILESS_MAIN(TestOverrides)
#include "test_overrides.moc"
