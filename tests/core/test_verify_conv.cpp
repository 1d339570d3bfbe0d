// Convolutional models through the compiler: conv layers as folded wrappers around the TLMAC datapath of their
// im2col matrix, data-flow blocks (Transpose, pooling, Resize, Concat) between them, and a top that routes a
// layer graph. conv2d_small_keras (post-training quantised) is verified bit-exactly in Verilator against the
// golden model on all 200 reference inputs; the two channels-last CNNs (512x512 and 256x256 inputs) are mapped
// and their whole-feature-map ports are refused by the emitter with the reason. Their kinds of layers (MaxPool,
// Resize, Concat of two branches, residual Add, depthwise conv, pooling) are verified bit-exactly on a small
// QONNX model of the same shape built here, since the shared CNNs are too large for whole-vector ports.

#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "quant/ptq.h"
#include "rtl/emit_dataflow.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/calibration.h"
#include "sim/dataset.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>
#include <fstream>
#include <onnx/onnx_pb.h>
#include <random>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

// The float model with 4-bit weights and 4-bit activations calibrated on its reference inputs.
ir::Graph quantisedConv2d(sim::Dataset& data)
{
    const ir::Graph imported = importer::importModel(kShared + "/models/conv2d_small_keras.onnx");
    data = sim::loadInputs(kShared + "/models/reference/conv2d_small_keras.input.npy", imported.inputShape);
    Progress none;
    const auto ranges = sim::calibrateRanges(imported, data, none);
    return quant::prepareGraph(imported, {}, 4, 4, ranges).graph;
}

// A small branched QONNX model (weights random, quantisers as Brevitas exports them):
//   in 2x6x6 -> Quant int4 -> conv 3x3 (2->4) relu Quant uint3 = c
//   a: MaxPool 2x2/2 (4x3x3) -> conv 1x1 (4->4) relu Quant -> Resize x2 (4x6x6)
//   b: depthwise conv 3x3 (groups 4) relu Quant
//   s = Quant(relu(a + b)), s = Quant(relu(s + s));  t = Concat(s, c) (8x6x6) -> AveragePool 2x2/2 Quant ->
//   GlobalAveragePool Quant
//   -> Flatten -> Gemm 8->5 (raw scores).
class BranchedBuilder {
public:
    explicit BranchedBuilder(uint64_t seed)
        : m_rng(seed)
    {
        m_model.set_ir_version(8);
        auto* a = m_model.add_opset_import();
        a->set_version(13);
        auto* q = m_model.add_opset_import();
        q->set_domain("qonnx.custom_op.general");
        q->set_version(1);
        m_graph = m_model.mutable_graph();
        m_graph->set_name("mini_branched");
    }

    onnx::ModelProto build()
    {
        valueInfo(m_graph->add_input(), "global_in", { 1, 2, 6, 6 });
        const std::string x = quant("global_in", { 0.125f }, {}, 4, true);
        const std::string c = act(conv(x, 2, 4, 3, 1, 1));
        std::string a = node("MaxPool", { c }, { ints("kernel_shape", { 2, 2 }), ints("strides", { 2, 2 }) });
        a = act(conv(a, 4, 4, 1, 0, 1));
        a = node("Resize", { a, "", constant({ 1, 1, 2, 2 }, { 4 }) },
            { text("mode", "nearest"), text("coordinate_transformation_mode", "asymmetric"),
                text("nearest_mode", "floor") });
        const std::string b = act(conv(c, 4, 4, 3, 1, 4));
        std::string sum = act(node("Add", { a, b }, {}));
        sum = act(node("Add", { sum, sum }, {})); // one result read twice by one layer
        std::string t = node("Concat", { sum, c }, { integer("axis", 1) });
        t = quant(node("AveragePool", { t }, { ints("kernel_shape", { 2, 2 }), ints("strides", { 2, 2 }) }), { 0.25f },
            {}, 3, false);
        t = quant(node("GlobalAveragePool", { t }, {}), { 0.25f }, {}, 3, false);
        t = node("Flatten", { t }, { integer("axis", 1) });
        const std::string w = weights({ 5, 8 }, 8);
        t = node("Gemm", { t, w, constant({ 0.1f, -0.2f, 0.0f, 0.3f, -0.1f }, { 5 }) }, { integer("transB", 1) });
        m_graph->add_output()->set_name(t);
        valueInfo(m_graph->mutable_output(0), t, { 1, 5 });
        return m_model;
    }

private:
    static onnx::AttributeProto integer(const std::string& name, int64_t v)
    {
        onnx::AttributeProto a;
        a.set_name(name);
        a.set_type(onnx::AttributeProto::INT);
        a.set_i(v);
        return a;
    }
    static onnx::AttributeProto ints(const std::string& name, const std::vector<int64_t>& v)
    {
        onnx::AttributeProto a;
        a.set_name(name);
        a.set_type(onnx::AttributeProto::INTS);
        for (int64_t x : v)
            a.add_ints(x);
        return a;
    }
    static onnx::AttributeProto text(const std::string& name, const std::string& v)
    {
        onnx::AttributeProto a;
        a.set_name(name);
        a.set_type(onnx::AttributeProto::STRING);
        a.set_s(v);
        return a;
    }
    static void valueInfo(onnx::ValueInfoProto* info, const std::string& name, const std::vector<int64_t>& shape)
    {
        info->set_name(name);
        auto* t = info->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        for (int64_t d : shape)
            t->mutable_shape()->add_dim()->set_dim_value(d);
    }
    std::string constant(const std::vector<float>& values, const std::vector<int64_t>& shape)
    {
        onnx::TensorProto* t = m_graph->add_initializer();
        const std::string name = "p" + std::to_string(m_next++);
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : shape)
            t->add_dims(d);
        for (float v : values)
            t->add_float_data(v);
        return name;
    }
    std::string node(const std::string& op, const std::vector<std::string>& inputs,
        const std::vector<onnx::AttributeProto>& attributes, const std::string& domain = "")
    {
        onnx::NodeProto* n = m_graph->add_node();
        const std::string name = op + "_" + std::to_string(m_next++);
        n->set_name(name);
        n->set_op_type(op);
        n->set_domain(domain);
        for (const std::string& in : inputs)
            n->add_input(in);
        n->add_output(name + "_out");
        for (const auto& a : attributes)
            *n->add_attribute() = a;
        return name + "_out";
    }
    std::string quant(const std::string& x, const std::vector<float>& scale, const std::vector<int64_t>& scaleShape,
        int bits, bool isSigned, bool narrow = false)
    {
        return node("Quant", { x, constant(scale, scaleShape), constant({ 0.0f }, {}), constant({ float(bits) }, {}) },
            { integer("signed", isSigned), integer("narrow", narrow), text("rounding_mode", "ROUND") },
            "qonnx.custom_op.general");
    }
    // 3-bit unsigned activations of scale 0.25 after a ReLU.
    std::string act(const std::string& x) { return quant(node("Relu", { x }, {}), { 0.25f }, {}, 3, false); }
    // 3-bit signed narrow weights of scale 0.25 (integers -3..3).
    std::string weights(const std::vector<int64_t>& shape, int64_t count)
    {
        std::uniform_int_distribution<int> level(-3, 3);
        std::vector<float> w;
        for (int64_t i = 0; i < count * shape[0]; ++i)
            w.push_back(0.25f * float(level(m_rng)));
        return quant(constant(w, shape), { 0.25f }, {}, 3, true, true);
    }
    std::string conv(const std::string& x, int64_t in, int64_t out, int64_t k, int64_t pad, int64_t groups)
    {
        const std::string w = weights({ out, in / groups, k, k }, in / groups * k * k);
        return node("Conv", { x, w },
            { ints("kernel_shape", { k, k }), ints("pads", { pad, pad, pad, pad }), integer("group", groups) });
    }

    std::mt19937_64 m_rng;
    onnx::ModelProto m_model;
    onnx::GraphProto* m_graph = nullptr;
    int m_next = 0;
};

} // namespace

class TestVerifyConv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // LUTHIER_KEEP_DESIGNS=1 keeps the design folders (printed) for `luthier-cli synth` / `verify` by hand.
        if (qEnvironmentVariableIsSet("LUTHIER_KEEP_DESIGNS")) {
            m_tmp.setAutoRemove(false);
            qInfo("design folders in %s", qPrintable(m_tmp.path()));
        }
    }

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
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
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

    void branchesAndBlocksAreBitExact()
    {
        const std::filesystem::path dir = std::filesystem::path(m_tmp.path().toStdString()) / "branched";
        std::filesystem::create_directories(dir);
        const std::string model = (dir / "mini_branched.onnx").string();
        {
            std::ofstream out(model, std::ios::binary);
            QVERIFY(BranchedBuilder(5).build().SerializeToOstream(&out));
        }
        const ir::Graph graph = importer::importModel(model);
        const quant::IntGraph ints = quant::lowerToInteger(graph);
        const arch::HwDesign design = arch::mapDesign(ints, {});
        QStringList kinds;
        for (const auto& layer : design.layers)
            kinds << (layer.block ? QString(layer.block->what) : layer.conv ? QString("conv") : QString("dense"));
        QCOMPARE(kinds.join(","),
            QString("conv,maxpool,conv,conv,resize,add,add,concat,avgpool,globalavgpool,dense")); // a topological order
        QVERIFY(rtl::needsGraphTop(design));
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        rtl::writeFiles(dir, rtl::emitDesign(design));
        sim::Dataset data { graph.inputShape, 100, {} };
        std::mt19937_64 rng(11);
        std::uniform_real_distribution<double> value(-1.0, 1.0);
        data.data.resize(size_t(data.count * data.sampleSize()));
        for (double& x : data.data)
            x = value(rng);
        rtl::writeVectors(dir / rtl::kVectorsFile, rtl::goldenVectors(ints, design, data));
        const verify::VerifyReport r = verify::verifyDesign(dir, {});
        for (const auto& m : r.mismatches)
            qInfo("mismatch: sample %lld output %lld expected %lld got %lld", (long long)m.sample, (long long)m.output,
                (long long)m.expected, (long long)m.got);
        qInfo("mini branched model: %lld/%lld vectors, %.0f cycles per inference", (long long)r.passed,
            (long long)r.vectors, r.cyclesPerInference());
        QCOMPARE(r.vectors, int64_t(100));
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
            if (layer.block) seenBlocks << layer.block->what;
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
