// The streaming blocks on a small QONNX model built here, so every block kind and the join FIFO run on many
// frames in seconds (the shared branched CNN takes far longer in Verilator). Its maps fit the whole-vector
// ports, so the streaming plan and emitter are called directly, as the pipeline calls them for large maps:
//   in 3x8x8 (channels first) -> Quant int4 -> conv 3x3 pad 1 (3->4) relu Quant uint3 = c
//   a: MaxPool 2x2/2 (4x4x4) -> conv 1x1 (4->4) relu Quant uint3 -> Resize x2 (4x8x8)
//   Concat(a, c) (8x8x8) -> conv 3x3 stride 2 pad 1 (8->2), raw accumulators (2x4x4)
// Frames follow one another without reset, so every block's frame restart runs too.

#include "arch/hw_design.h"
#include "arch/stream/stream_plan.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/golden_vectors.h"
#include "rtl/stream/emit_stream.h"
#include "sim/dataset.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>
#include <fstream>
#include <onnx/onnx_pb.h>
#include <random>

using namespace luthier;

namespace {

class Builder {
public:
    Builder()
    {
        m_model.set_ir_version(8);
        m_model.add_opset_import()->set_version(13);
        auto* q = m_model.add_opset_import();
        q->set_domain("qonnx.custom_op.general");
        q->set_version(1);
        m_graph = m_model.mutable_graph();
        m_graph->set_name("mini_stream");
    }

    onnx::ModelProto build()
    {
        valueInfo(m_graph->add_input(), "global_in", { 1, 3, 8, 8 });
        const std::string x = quant("global_in", 0.125f, 4, true);
        const std::string c = act(conv(x, 3, 4, 3, 1, 1));
        std::string a = node("MaxPool", { c }, { ints("kernel_shape", { 2, 2 }), ints("strides", { 2, 2 }) });
        a = quant(a, 0.5f, 2, false); // requantised maximum
        a = act(conv(a, 4, 4, 1, 0, 1));
        a = node("Resize", { a, "", constant({ 1, 1, 2, 2 }, { 4 }) },
            { text("mode", "nearest"), text("coordinate_transformation_mode", "asymmetric"),
                text("nearest_mode", "floor") });
        a = quant(a, 0.125f, 3, false); // requantised upsampling; the Concat then rescales its inputs
        const std::string t = quant(node("Concat", { a, c }, { integer("axis", 1) }), 0.25f, 3, false);
        const std::string d = quant(node("LeakyRelu", { conv(t, 8, 8, 3, 1, 1, 8) }, {}), 0.25f, 4, true);
        const std::string y = conv(d, 8, 2, 3, 1, 2);
        m_graph->add_output()->set_name(y);
        valueInfo(m_graph->mutable_output(0), y, { 1, 2, 4, 4 });
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
    std::string quant(const std::string& x, float scale, int bits, bool isSigned, bool narrow = false)
    {
        return node("Quant", { x, constant({ scale }, {}), constant({ 0.0f }, {}), constant({ float(bits) }, {}) },
            { integer("signed", isSigned), integer("narrow", narrow), text("rounding_mode", "ROUND") },
            "qonnx.custom_op.general");
    }
    std::string act(const std::string& x) { return quant(node("Relu", { x }, {}), 0.25f, 3, false); }
    std::string conv(
        const std::string& x, int64_t in, int64_t out, int64_t k, int64_t pad, int64_t stride, int64_t groups = 1)
    {
        std::uniform_int_distribution<int> level(-3, 3);
        std::vector<float> w;
        for (int64_t i = 0; i < out * in / groups * k * k; ++i)
            w.push_back(0.25f * float(level(m_rng)));
        const std::string weights = quant(constant(w, { out, in / groups, k, k }), 0.25f, 3, true, true);
        return node("Conv", { x, weights },
            { ints("kernel_shape", { k, k }), ints("pads", { pad, pad, pad, pad }), ints("strides", { stride, stride }),
                integer("group", groups) });
    }

    std::mt19937_64 m_rng { 7 };
    onnx::ModelProto m_model;
    onnx::GraphProto* m_graph = nullptr;
    int m_next = 0;
};

} // namespace

class TestStreamBlocks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyBlockStreamsBitExactly()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::filesystem::path dir = std::filesystem::path(tmp.path().toStdString()) / "mini";
        std::filesystem::create_directories(dir);
        const std::string model = (dir / "mini_stream.onnx").string();
        {
            std::ofstream out(model, std::ios::binary);
            QVERIFY(Builder().build().SerializeToOstream(&out));
        }
        const ir::Graph graph = importer::importModel(model);
        const quant::IntGraph ints = quant::lowerToInteger(graph);
        arch::MapOptions options;
        options.tlmac.effort = 0.1;
        const arch::HwDesign design = arch::mapDesign(ints, options);
        QVERIFY(!arch::stream::needsStreaming(design)); // 8x8 maps: streamed here on purpose
        const arch::stream::StreamPlan plan = arch::stream::planStream(ints, design);
        QStringList kinds;
        for (const auto& s : plan.layers)
            kinds << QString::number(int(s.kind));
        // conv, maxpool, conv, resize, concat, conv (StreamKind values)
        QCOMPARE(kinds.join(","), QString("0,1,0,3,4,0,0"));
        QCOMPARE(plan.input.order, arch::stream::Order::ChannelsFirst);
        // The Concat's row y needs c's rows up to 2 * (y / 2 + 1) = y + 2 (y even) through MaxPool and Resize,
        // y + 1 directly: the direct input lags one row, so its FIFO holds 1 + 2 rows of 8 beats.
        QCOMPARE(plan.layers[4].fifoDepth, (std::vector<int64_t> { 0, 24 }));
        // The stride-2 conv: 16 output positions.
        QCOMPARE(plan.layers[6].cyclesPerFrame, 16 * plan.layers[6].cyclesPerPixel);

        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        auto files = rtl::stream::emitStreamDesign(design, plan);
        rtl::writeFiles(dir, files);
        sim::Dataset data { graph.inputShape, 40, {} };
        std::mt19937_64 rng(3);
        std::uniform_real_distribution<double> value(-1.0, 1.0);
        data.data.resize(size_t(data.count * data.sampleSize()));
        for (double& x : data.data)
            x = value(rng);
        rtl::writeVectors(dir / rtl::kVectorsFile, rtl::goldenVectors(ints, design, data));
        const verify::VerifyReport r = verify::verifyDesign(dir, {});
        for (const auto& m : r.mismatches)
            qInfo("mismatch: frame %lld output %lld expected %lld got %lld", (long long)m.sample, (long long)m.output,
                (long long)m.expected, (long long)m.got);
        qInfo("mini streamed model: %lld/%lld frames, %.0f cycles per frame (planned bottleneck %lld)",
            (long long)r.passed, (long long)r.vectors, r.cyclesPerInference(), (long long)plan.frameCycles);
        QCOMPARE(r.vectors, int64_t(40));
        QCOMPARE(r.failed, int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestStreamBlocks)
#include "test_stream_blocks.moc"
