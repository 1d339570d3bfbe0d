// Convolutional models through the compiler: conv layers as folded wrappers around the TLMAC datapath of their
// im2col matrix, data-flow blocks (Transpose, pooling, Resize, Concat) between them, and a top that routes a
// layer graph. conv2d_small_keras (post-training quantised) is verified bit-exactly in Verilator against the
// golden model on all 200 reference inputs; the two channels-last CNNs (512x512 and 256x256 inputs) are mapped
// and their whole-feature-map ports are refused by the emitter with the reason.

#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "quant/ptq.h"
#include "rtl/emit_dataflow.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

// The float model with 4-bit weights and 4-bit activations calibrated on its reference inputs.
ir::Graph quantisedConv2d(sim::Dataset& data)
{
    const ir::Graph imported = importer::importModel(kShared + "/models/conv2d_small_keras.onnx");
    data = sim::loadInputs(kShared + "/models/reference/conv2d_small_keras.input.npy", imported.inputShape);
    Progress none;
    const auto ranges = quant::calibrateRanges(imported, data, none);
    return quant::prepareGraph(imported, {}, 4, 4, ranges).graph;
}

} // namespace

class TestVerifyConv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void conv2dSmallKerasMapsAsFoldedConv()
    {
        sim::Dataset data;
        const ir::Graph graph = quantisedConv2d(data);
        const quant::IntGraph ints = quant::lowerToInteger(graph);
        const arch::HwDesign design = arch::mapDesign(ints, {});
        // Input 8x8x1 (NHWC) -> Transpose -> Conv 3x3 'same' to 2 channels -> Transpose -> Flatten -> Dense 10.
        QCOMPARE(design.layers.size(), size_t(4));
        QVERIFY(design.layers[0].block && std::string(design.layers[0].block->what) == "transpose");
        const auto& conv = design.layers[1];
        QVERIFY(conv.conv && conv.tlmac);
        QCOMPARE(conv.conv->inChannels, int64_t(1));
        QCOMPARE(conv.conv->outHeight * conv.conv->outWidth, int64_t(64));
        QCOMPARE(conv.conv->windowSize(), int64_t(9)); // 1 channel x 3 x 3
        QCOMPARE(conv.tlmac->plan.outputs, int64_t(2));
        QCOMPARE(conv.tlmac->plan.groupsPerOutput, int64_t(3)); // three kernel rows of G = 3
        QCOMPARE(conv.inputs, std::vector<int> { 0 });
        QVERIFY(design.layers[3].tlmac && !design.layers[3].conv);
        QCOMPARE(design.outputCount, int64_t(10));
        // Cycles: 64 positions of (9 taps + feed + datapath + write) plus load and present.
        const int64_t core = conv.cycles - 2;
        QCOMPARE(core % 64, int64_t(0));
    }

    void conv2dSmallKerasIsBitExact()
    {
        if (!verify::findProgram("verilator"))
            QSKIP("verilator is not installed");
        sim::Dataset data;
        const ir::Graph graph = quantisedConv2d(data);
        const quant::IntGraph ints = quant::lowerToInteger(graph);
        const arch::HwDesign design = arch::mapDesign(ints, {});
        const std::filesystem::path dir = std::filesystem::path(m_tmp.path().toStdString()) / "conv2d";
        rtl::writeFiles(dir, rtl::emitDesign(design));
        const rtl::TestVectors vectors = rtl::goldenVectors(ints, design, data);
        QCOMPARE(vectors.count(), int64_t(200));
        rtl::writeVectors(dir / rtl::kVectorsFile, vectors);
        const verify::VerifyReport r = verify::verifyDesign(dir, {});
        for (const auto& m : r.mismatches)
            qInfo("mismatch: sample %lld output %lld expected %lld got %lld", (long long)m.sample, (long long)m.output,
                (long long)m.expected, (long long)m.got);
        qInfo("conv2d_small_keras: %lld/%lld vectors, %.0f cycles per inference", (long long)r.passed,
            (long long)r.vectors, r.cyclesPerInference());
        QCOMPARE(r.vectors, int64_t(200));
        QCOMPARE(r.failed, int64_t(0));
    }

    void channelsLastCnnsMap_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("convs");
        QTest::addColumn<QString>("blocks");
        QTest::newRow("separable") << "separable_conv_model_ch_last" << 4 << "transpose,transpose";
        QTest::newRow("branched") << "branched_model_ch_last" << 14 << "transpose,maxpool,resize,concat,transpose";
    }

    void channelsLastCnnsMap()
    {
        QFETCH(QString, model);
        QFETCH(int, convs);
        QFETCH(QString, blocks);
        const ir::Graph graph = importer::importModel(kShared + "/models/" + model.toStdString() + ".onnx");
        const quant::IntGraph ints = quant::lowerToInteger(graph);
        arch::MapOptions options;
        options.tlmac.effort = 0.1;
        const arch::HwDesign design = arch::mapDesign(ints, options);
        int seenConvs = 0;
        QStringList seenBlocks;
        for (const auto& layer : design.layers) {
            seenConvs += layer.conv.has_value();
            if (layer.block)
                seenBlocks << layer.block->what;
            for (int in : layer.inputs)
                QVERIFY(in >= 0 && in < int(&layer - design.layers.data()));
        }
        QCOMPARE(seenConvs, convs);
        QCOMPARE(seenBlocks.join(","), blocks);
        if (model.startsWith("branched")) {
            // The concat joins the upsampled deep branch and the 256x256 branch (two producers).
            const auto concat = std::find_if(design.layers.begin(), design.layers.end(),
                [](const arch::HwLayer& l) { return l.block && std::string(l.block->what) == "concat"; });
            QCOMPARE(concat->inputs.size(), size_t(2));
            QVERIFY(rtl::needsGraphTop(design));
        }
        bool refused = false;
        try {
            rtl::emitDesign(design);
        } catch (const Error& e) {
            refused = std::string(e.what()).find("whole-vector layer interface") != std::string::npos;
        }
        QVERIFY(refused);
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestVerifyConv)
#include "test_verify_conv.moc"
