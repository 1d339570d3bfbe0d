// Both executors against ONNX Runtime on every shared model (../shared/models/reference: what ORT 1.30
// computes on the QONNX model rewritten into standard ops), and the TFC accuracies ORT reaches on the
// shared MNIST digits (models/README.md: 93.1 / 95.7 / 97.0 %).
//
// Tolerances, stated exactly:
//  - float executor: every output value f and ORT's r satisfy |f - r| <= 1e-4 * max(|r|, 1e-3) (values
//    within 1e-7 of zero are compared absolutely);
//  - integer executor: identical argmax on every sample, and its dequantised outputs equal ORT's under the
//    same tolerance on at least 99.5 % of the values (mismatches there would be quantiser rounding ties
//    that ORT's float32 arithmetic resolved differently; the count and the argmax ties are printed).

#include "onnx/importer.h"
#include "quant/lower.h"
#include "sim/dataset.h"
#include "sim/evaluation.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "sim/npy.h"

#include <QtTest>
#include <cmath>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

struct Compare {
    int64_t values = 0, mismatches = 0, argmaxDiffer = 0, ties = 0;
};

Compare compare(const std::vector<double>& ours, const sim::NpyArray& ref, int64_t samples)
{
    Compare c;
    c.values = int64_t(ours.size());
    const int64_t per = c.values / samples;
    for (size_t i = 0; i < ours.size(); ++i) {
        const double r = ref.values[i];
        c.mismatches += std::fabs(ours[i] - r) > 1e-4 * std::max(std::fabs(r), 1e-3);
    }
    for (int64_t s = 0; s < samples; ++s)
        c.argmaxDiffer += sim::argmax(ours.data() + s * per, per) != sim::argmax(ref.values.data() + s * per, per);
    c.ties = sim::countArgmaxTies(ours, samples);
    return c;
}

struct ModelRun {
    sim::RunResult floatRun, intRun;
    sim::NpyArray reference;
    int64_t samples = 0;
};

ModelRun runModel(const std::string& name, const std::string& inputs, const quant::LowerOptions& options = {})
{
    ModelRun m;
    const ir::Graph graph = importer::importModel(kShared + "/models/" + name + ".onnx");
    const sim::Dataset data = sim::loadInputs(inputs, graph.layers.at(0).outShape);
    m.reference = sim::readNpy(kShared + "/models/reference/" + name + ".ort_output.npy");
    m.samples = data.count;
    m.floatRun = sim::runFloat(graph, data);
    const quant::IntGraph ig = quant::lowerToInteger(graph, options);
    m.intRun = sim::runInteger(ig, data);
    return m;
}

ModelRun checkAgainstOrt(const std::string& name, const std::string& inputs, const quant::LowerOptions& options = {})
{
    ModelRun m = runModel(name, inputs, options);
    if (int64_t(m.floatRun.outputs.at(0).values.size()) != m.reference.count())
        QTest::qFail("output size differs from the ONNX Runtime reference", __FILE__, __LINE__);
    if (QTest::currentTestFailed()) return m;
    const Compare f = compare(m.floatRun.outputs[0].values, m.reference, m.samples);
    const Compare q = compare(m.intRun.outputs[0].values, m.reference, m.samples);
    qInfo("%s: %lld samples, %lld values; float: %lld mismatches, %lld argmax differ; integer: %lld mismatches, "
          "%lld argmax differ, %lld argmax ties",
        name.c_str(), (long long)m.samples, (long long)f.values, (long long)f.mismatches, (long long)f.argmaxDiffer,
        (long long)q.mismatches, (long long)q.argmaxDiffer, (long long)q.ties);
    [&] {
        QCOMPARE(f.mismatches, int64_t(0));
        QCOMPARE(q.argmaxDiffer, int64_t(0));
        QVERIFY(q.mismatches * 1000 <= q.values * 5);
    }();
    return m;
}

// Float models (no quantisers): only the float reference applies without post-training quantisation.
void checkFloatAgainstOrt(const std::string& name)
{
    const ir::Graph graph = importer::importModel(kShared + "/models/" + name + ".onnx");
    const sim::Dataset data
        = sim::loadInputs(kShared + "/models/reference/" + name + ".input.npy", graph.layers.at(0).outShape);
    const sim::NpyArray reference = sim::readNpy(kShared + "/models/reference/" + name + ".ort_output.npy");
    const sim::RunResult run = sim::runFloat(graph, data);
    QCOMPARE(int64_t(run.outputs.at(0).values.size()), reference.count());
    const Compare f = compare(run.outputs[0].values, reference, data.count);
    qInfo("%s: %lld values, float: %lld mismatches, %lld argmax differ", name.c_str(), (long long)f.values,
        (long long)f.mismatches, (long long)f.argmaxDiffer);
    QCOMPARE(f.mismatches, int64_t(0));
    QCOMPARE(f.argmaxDiffer, int64_t(0));
}

void checkTfc(const std::string& name, double ortAccuracy)
{
    const ModelRun m = checkAgainstOrt(name, kShared + "/data/mnist_x_2k.npy");
    if (QTest::currentTestFailed()) return;
    const std::vector<int64_t> labels = sim::loadLabels(kShared + "/data/mnist_y_2k.npy", m.samples);
    const sim::Evaluation e = sim::evaluate(m.floatRun, m.intRun, labels);
    qInfo("%s: float %.2f %%, integer %.2f %% (ONNX Runtime %.1f %%)", name.c_str(), 100 * e.floatAccuracy(),
        100 * e.intAccuracy(), ortAccuracy);
    QVERIFY(std::fabs(100 * e.floatAccuracy() - ortAccuracy) <= 0.2);
    QVERIFY(std::fabs(100 * e.intAccuracy() - ortAccuracy) <= 0.2);
}

} // namespace

class TestGoldenReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tfc1w1a() { checkTfc("TFC_1W1A", 93.1); }
    void tfc1w2a() { checkTfc("TFC_1W2A", 95.7); }
    void tfc2w2a() { checkTfc("TFC_2W2A", 97.0); }
    void bnnFc1Layer()
    {
        checkAgainstOrt("bnn_model_fc_1layer", kShared + "/models/reference/bnn_model_fc_1layer.input.npy");
    }
    void jetTagging()
    {
        // The model's input is float: the integer model gets an inserted input quantiser, fine enough
        // (24 bits, 2^-16 steps) that it changes no decision on these inputs.
        quant::LowerOptions options;
        options.inputBits = 24;
        options.inputFractionBits = 16;
        checkAgainstOrt("qkeras_jettagging", kShared + "/models/reference/qkeras_jettagging.input.npy", options);
    }
    void separableConv()
    {
        checkAgainstOrt(
            "separable_conv_model_ch_last", kShared + "/models/reference/separable_conv_model_ch_last.input.npy");
    }
    void branchedConv()
    {
        checkAgainstOrt("branched_model_ch_last", kShared + "/models/reference/branched_model_ch_last.input.npy");
    }
    void threeLayerKerasFloat() { checkFloatAgainstOrt("three_layer_keras"); }
    void conv2dSmallKerasFloat() { checkFloatAgainstOrt("conv2d_small_keras"); }
};

QTEST_GUILESS_MAIN(TestGoldenReference)
#include "test_golden_reference.moc"
