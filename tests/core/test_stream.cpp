// The streaming CNN dataflow (arch/stream, rtl/stream, verify/stream_harness): a CNN whose feature maps exceed
// the whole-vector ports streams them pixel by pixel through line buffers and sliding windows. The shared
// separable_conv_model_ch_last (512x512x3 input, maps of 6.3 Mbit) goes through the one pipeline into a design
// folder, exactly as `luthier-cli compile MODEL --inputs REF -o D` writes it, and is verified bit-exactly in
// Verilator against the golden model on its reference frame. Designs that fit the whole-vector ports get no
// streaming plan (their files are emitted as before), branched_model_ch_last's join gets a FIFO sized from its
// branches' row look-ahead, and conv2d_small_keras's Dense head streams on its last map bit-exactly.

#include "arch/stream/stream_plan.h"
#include "pipeline/design_folder.h"
#include "pipeline/pipeline.h"
#include "rtl/golden_vectors.h"
#include "rtl/stream/emit_stream.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

pipeline::Options sharedModel(const std::string& name)
{
    pipeline::Options o;
    o.modelPath = kShared + "/models/" + name + ".onnx";
    o.datasetInputs = kShared + "/models/reference/" + name + ".input.npy";
    o.effort = 0.1; // the annealing does not change what streams; keep the test short
    return o;
}

} // namespace

class TestStream : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (qEnvironmentVariableIsSet("LUTHIER_KEEP_DESIGNS")) {
            m_tmp.setAutoRemove(false);
            qInfo("design folders in %s", qPrintable(m_tmp.path()));
        }
    }

    void separablePlan()
    {
        pipeline::Pipeline build(sharedModel("separable_conv_model_ch_last"));
        Progress none;
        const auto design = build.design(none);
        const auto plan = build.streamPlan(none);
        QVERIFY(plan);
        QCOMPARE(plan->layers.size(), design->layers.size());
        // The model input is NHWC 512x512x3: a Transpose to channels first reads it, so it streams channels last.
        QCOMPARE(plan->input.order, arch::stream::Order::ChannelsLast);
        QCOMPARE(plan->input.height * plan->input.width, int64_t(512 * 512));
        QCOMPARE(plan->input.channels, int64_t(3));
        for (size_t i = 0; i < plan->layers.size(); ++i) {
            const auto& s = plan->layers[i];
            const auto& hw = design->layers[i];
            if (s.kind != arch::stream::StreamKind::Conv) continue;
            const auto& g = *hw.conv;
            // Rows: the smallest power of two above the kernel's row extent (3x3: 4, 1x1: 2), so one row streams
            // in while the window reads the others; the buffer holds those rows of every channel of the width.
            const int64_t rows = g.kernelH == 3 ? 4 : g.kernelH == 1 ? 2 : 0;
            QCOMPARE(s.lineBufferRows, rows);
            QCOMPARE(s.lineBufferBits, rows * g.inWidth * g.inChannels * g.inputBits);
            QCOMPARE(s.cyclesPerFrame, g.outHeight * g.outWidth * s.cyclesPerPixel);
        }
        QVERIFY(plan->bottleneck >= 0);
        QCOMPARE(plan->frameCycles, plan->layers[size_t(plan->bottleneck)].cyclesPerFrame);
    }

    void separableIsBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        pipeline::Pipeline build(sharedModel("separable_conv_model_ch_last"));
        const std::filesystem::path dir = std::filesystem::path(m_tmp.path().toStdString()) / "separable";
        Progress none;
        const pipeline::WrittenDesign written = pipeline::writeDesignFolder(build, dir, -1, none);
        QCOMPARE(written.vectors, int64_t(1));
        std::ifstream file(dir / "manifest.json");
        const nlohmann::json manifest = nlohmann::json::parse(file);
        QVERIFY(manifest.contains("stream"));
        QCOMPARE(manifest["stream"]["input"]["order"].get<std::string>(), std::string("channels_last"));

        const verify::VerifyReport r = verify::verifyDesign(dir, {});
        for (const auto& m : r.mismatches)
            qInfo("mismatch: frame %lld output %lld expected %lld got %lld", (long long)m.sample, (long long)m.output,
                (long long)m.expected, (long long)m.got);
        qInfo("separable_conv_model_ch_last: %lld/%lld frames, %.0f cycles per frame (planned bottleneck %lld)",
            (long long)r.passed, (long long)r.vectors, r.cyclesPerInference(),
            (long long)manifest["stream"]["frameCycles"].get<int64_t>());
        QCOMPARE(r.vectors, int64_t(1));
        QCOMPARE(r.failed, int64_t(0));
        // The layers overlap: a frame takes about the slowest layer's cycles, not the sum of all layers'.
        const double planned = double(manifest["stream"]["frameCycles"].get<int64_t>());
        QVERIFY(r.cyclesPerInference() >= planned);
        QVERIFY(r.cyclesPerInference() < 1.1 * planned);
    }

    void wholeVectorDesignsDoNotStream()
    {
        // conv2d_small_keras (8x8 maps) fits the whole-vector ports: no plan, emitted as before.
        pipeline::Options o = sharedModel("conv2d_small_keras");
        o.lowering.ptqWeightBits = 4;
        o.ptqActivationBits = 4;
        pipeline::Pipeline build(o);
        Progress none;
        QVERIFY(!build.streamPlan(none));
    }

    void branchedPlanSizesTheJoinFifo()
    {
        // branched_model_ch_last: Conv_3's 256x256 output feeds the Concat directly and through MaxPool 2x2/2,
        // three 3x3 and three 1x1 convs at 128x128 and Resize x2. Before the Concat's output row y the deep branch
        // needs Conv_3's rows up to 2 * (y / 2 + 1 + 3 rows of 3x3 look-ahead) = y + 8 (y even), the direct one y + 1:
        // the direct input lags by 7 rows at most, so its FIFO holds 7 + 2 rows of 256 beats; the deep one none.
        pipeline::Pipeline build(sharedModel("branched_model_ch_last"));
        Progress none;
        const auto design = build.design(none);
        const auto plan = build.streamPlan(none);
        QVERIFY(plan);
        int joins = 0;
        for (size_t i = 0; i < plan->layers.size(); ++i) {
            const auto& s = plan->layers[i];
            if (s.kind != arch::stream::StreamKind::Concat) continue;
            ++joins;
            QCOMPARE(design->layers[i].inputs.size(), size_t(2));
            const auto& deep = design->layers[size_t(design->layers[i].inputs[0])];
            QVERIFY(deep.block && std::string(deep.block->what) == "resize");
            QCOMPARE(s.fifoDepth, (std::vector<int64_t> { 0, 9 * 256 }));
            QCOMPARE(s.out.channels, int64_t(64));
        }
        QCOMPARE(joins, 1);
    }

    void denseHeadStreamsBitExactly()
    {
        // conv2d_small_keras ends in Flatten + Dense on its last 8x8 map (channels last, after the Keras layout
        // Transpose): the Dense collects the frame's beats in the Flatten's order and streams out one beat. Its maps
        // fit the whole-vector ports, so its streaming form is emitted here directly and checked on the reference
        // frame against the golden model.
        pipeline::Options o = sharedModel("conv2d_small_keras");
        o.lowering.ptqWeightBits = 4;
        o.ptqActivationBits = 4;
        pipeline::Pipeline build(o);
        Progress none;
        const auto ints = build.ints(none);
        const auto design = build.design(none);
        const arch::stream::StreamPlan plan = arch::stream::planStream(*ints, *design);
        QCOMPARE(plan.layers.back().kind, arch::stream::StreamKind::Frame);
        QCOMPARE(plan.output.pixels(), int64_t(1));
        QCOMPARE(plan.output.channels, design->outputCount);
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        const std::filesystem::path dir = std::filesystem::path(m_tmp.path().toStdString()) / "dense_head";
        rtl::writeFiles(dir, rtl::stream::emitStreamDesign(*design, plan));
        const auto inputs = build.inputs(none);
        QVERIFY(inputs && inputs->count > 0);
        rtl::writeVectors(dir / rtl::kVectorsFile, rtl::goldenVectors(*ints, *design, *inputs));
        const verify::VerifyReport r = verify::verifyDesign(dir, {});
        for (const auto& m : r.mismatches)
            qInfo("mismatch: frame %lld output %lld expected %lld got %lld", (long long)m.sample, (long long)m.output,
                (long long)m.expected, (long long)m.got);
        QCOMPARE(r.vectors, inputs->count);
        QCOMPARE(r.failed, int64_t(0));
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestStream)
#include "test_stream.moc"
