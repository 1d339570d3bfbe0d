// The streaming blocks on a small QONNX model built here, so every block kind and the join FIFO run on many
// frames in seconds (the shared branched CNN takes far longer in Verilator). Its maps fit the whole-vector
// ports, so the streaming plan and emitter are called directly, as the pipeline calls them for large maps:
//   in 3x8x8 (channels first) -> Quant int4 -> conv 3x3 pad 1 (3->4) relu Quant uint3 = c
//   a: MaxPool 2x2/2 (4x4x4) -> conv 1x1 (4->4) relu Quant uint3 -> Resize x2 (4x8x8)
//   Concat(a, c) (8x8x8) -> conv 3x3 stride 2 pad 1 (8->2), raw accumulators (2x4x4)
// A second model, a ResNet in miniature, streams the summing blocks and the classifier head:
//   in 3x8x8 -> Quant int4 -> conv 3x3 (3->4) relu uint3 = x
//   r1 = relu(x + conv 3x3 (conv 3x3 relu (x)))                          identity residual, 4x8x8
//   r2 = relu(conv 3x3 (conv 3x3 stride 2 relu (r1)) + conv 1x1 stride 2 (r1))   downsampling residual, 8x4x4
//   AveragePool 3x3 stride 2 pad 1 (8x2x2) -> GlobalAveragePool (8) -> Flatten -> Gemm (8->5) raw scores
// and once more with the argmax block (compile --argmax) after the scores. A third model mirrors
// branched_model_ch_last (buildBranched). Layers that cannot stream are refused by name.
// Frames follow one another without reset, so every block's frame restart runs too.

#include "arch/hw_design.h"
#include "arch/stream/stream_plan.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/golden_vectors.h"
#include "rtl/stream/emit_stream.h"
#include "sim/dataset.h"
#include "util/error.h"
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

    // A ResNet in miniature: every summing block, a stride-2 downsampling residual, and the classifier head.
    onnx::ModelProto buildResnet()
    {
        m_graph->set_name("mini_resnet");
        valueInfo(m_graph->add_input(), "global_in", { 1, 3, 8, 8 });
        const std::string x = act(conv(quant("global_in", 0.125f, 4, true), 3, 4, 3, 1, 1));
        // Identity residual: the skip branch runs two rows ahead of the two 3x3 convs.
        const std::string a = act(conv(x, 4, 4, 3, 1, 1));
        const std::string r1 = act(node("Add", { x, quant(conv(a, 4, 4, 3, 1, 1), 0.25f, 4, true) }, {}));
        // Downsampling residual: stride-2 3x3 then 3x3 on the main branch, a stride-2 1x1 on the skip.
        const std::string b = act(conv(r1, 4, 8, 3, 1, 2));
        const std::string skip = quant(conv(r1, 4, 8, 1, 0, 2), 0.25f, 4, true);
        const std::string r2 = act(node("Add", { quant(conv(b, 8, 8, 3, 1, 1), 0.25f, 4, true), skip }, {}));
        const std::string p = quant(node("AveragePool", { r2 },
                                        { ints("kernel_shape", { 3, 3 }), ints("pads", { 1, 1, 1, 1 }),
                                            ints("strides", { 2, 2 }), integer("count_include_pad", 1) }),
            0.125f, 4, false);
        const std::string g = quant(node("GlobalAveragePool", { p }, {}), 0.0625f, 4, false);
        const std::string f = node("Flatten", { g }, { integer("axis", 1) });
        std::uniform_int_distribution<int> level(-3, 3);
        std::vector<float> w;
        for (int i = 0; i < 8 * 5; ++i)
            w.push_back(0.25f * float(level(m_rng)));
        const std::string y
            = node("Gemm", { f, quant(constant(w, { 8, 5 }), 0.25f, 3, true, true) }, {}); // raw class scores
        m_graph->add_output()->set_name(y);
        valueInfo(m_graph->mutable_output(0), y, { 1, 5 });
        return m_model;
    }

    // branched_model_ch_last in miniature: channels-last input and output, separable convs (depthwise 3x3 then
    // pointwise 1x1) with signed int4 codes, MaxPool and Resize of those codes, a Concat of one format requantised
    // as one map, and a last conv with a bias (as the shared model's Conv_39) giving raw values.
    onnx::ModelProto buildBranched()
    {
        m_graph->set_name("mini_branched");
        valueInfo(m_graph->add_input(), "global_in", { 1, 16, 16, 3 });
        auto q = [&](const std::string& v) { return quant(v, 0.25f, 4, true); };
        auto separable = [&](const std::string& v, int64_t in, int64_t out) {
            return q(conv(q(conv(v, in, in, 3, 1, 1, in)), in, out, 1, 0, 1));
        };
        const std::string x = node("Transpose", { q("global_in") }, { ints("perm", { 0, 3, 1, 2 }) });
        const std::string c = separable(separable(x, 3, 4), 4, 4);
        std::string a = node("MaxPool", { c }, { ints("kernel_shape", { 2, 2 }), ints("strides", { 2, 2 }) });
        a = separable(separable(a, 4, 8), 8, 4);
        a = node("Resize", { a, "", constant({ 1, 1, 2, 2 }, { 4 }) },
            { text("mode", "nearest"), text("coordinate_transformation_mode", "asymmetric"),
                text("nearest_mode", "floor") });
        // Requantised as one map, as in the shared model: every input's codes are (q - z) before the thresholds.
        const std::string t = quant(node("Concat", { a, c }, { integer("axis", 1) }), 0.5f, 4, true);
        const std::string d = separable(t, 8, 4);
        const std::string y
            = node("Transpose", { conv(q(conv(d, 4, 4, 3, 1, 1, 4)), 4, 2, 1, 0, 1, 1, { 0.1875f, -0.0625f }) },
                { ints("perm", { 0, 2, 3, 1 }) });
        m_graph->add_output()->set_name(y);
        valueInfo(m_graph->mutable_output(0), y, { 1, 16, 16, 2 });
        return m_model;
    }

    // A Transpose that swaps rows and columns moves pixels, which a raster stream cannot do in passing.
    onnx::ModelProto buildTransposed()
    {
        m_graph->set_name("mini_transposed");
        valueInfo(m_graph->add_input(), "global_in", { 1, 3, 8, 8 });
        const std::string x = act(conv(quant("global_in", 0.125f, 4, true), 3, 4, 3, 1, 1));
        const std::string y = conv(node("Transpose", { x }, { ints("perm", { 0, 1, 3, 2 }) }), 4, 2, 1, 0, 1);
        m_graph->add_output()->set_name(y);
        valueInfo(m_graph->mutable_output(0), y, { 1, 2, 8, 8 });
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
    std::string conv(const std::string& x, int64_t in, int64_t out, int64_t k, int64_t pad, int64_t stride,
        int64_t groups = 1, const std::vector<float>& bias = {})
    {
        std::uniform_int_distribution<int> level(-3, 3);
        std::vector<float> w;
        for (int64_t i = 0; i < out * in / groups * k * k; ++i)
            w.push_back(0.25f * float(level(m_rng)));
        const std::string weights = quant(constant(w, { out, in / groups, k, k }), 0.25f, 3, true, true);
        std::vector<std::string> inputs { x, weights };
        if (!bias.empty()) inputs.push_back(constant(bias, { out }));
        return node("Conv", inputs,
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
        const Streamed m = stream(Builder().build(), "mini_stream", {});
        QStringList kinds;
        for (const auto& s : m.plan.layers)
            kinds << QString::number(int(s.kind));
        // conv, maxpool, conv, resize, concat, conv (StreamKind values)
        QCOMPARE(kinds.join(","), QString("0,1,0,3,4,0,0"));
        QCOMPARE(m.plan.input.order, arch::stream::Order::ChannelsFirst);
        // The Concat's row y needs c's rows up to 2 * (y / 2 + 1) = y + 2 (y even) through MaxPool and Resize,
        // y + 1 directly: the direct input lags one row, so its FIFO holds 1 + 2 rows of 8 beats.
        QCOMPARE(m.plan.layers[4].fifoDepth, (std::vector<int64_t> { 0, 24 }));
        // The stride-2 conv: 16 output positions.
        QCOMPARE(m.plan.layers[6].cyclesPerFrame, 16 * m.plan.layers[6].cyclesPerPixel);
        verifyFrames(m, 40);
    }

    void resnetStreamsBitExactly()
    {
        const Streamed m = stream(Builder().buildResnet(), "mini_resnet", {});
        using K = arch::stream::StreamKind;
        std::vector<K> kinds;
        for (const auto& s : m.plan.layers)
            kinds.push_back(s.kind);
        QCOMPARE(kinds,
            (std::vector<K> { K::Conv, K::Conv, K::Conv, K::Add, K::Conv, K::Conv, K::Conv, K::Add, K::AvgPool,
                K::GlobalAvgPool, K::Frame }));
        // Identity residual x + ...: the sum's row y needs x's rows up to y + 3 through two 3x3 convs (pad 1), y + 1 on
        // the skip: the skip lags two rows, so its FIFO holds 2 + 2 rows of 8 beats.
        QCOMPARE(m.plan.layers[3].fifoDepth, (std::vector<int64_t> { 32, 0 }));
        // Downsampling residual on r1's 8x8 map: row y of the sum needs r1's rows up to 2y + 4 (3x3 stride 2, then
        // 3x3), 2y + 1 on the 1x1 stride-2 skip: 3 rows of lag, (3 + 2) * 8 beats of r1 = 10 beats of the 4x4 skip.
        QCOMPARE(m.plan.layers[7].fifoDepth, (std::vector<int64_t> { 0, 10 }));
        QCOMPARE(m.plan.output.channels, int64_t(5));
        QCOMPARE(m.plan.output.pixels(), int64_t(1));
        verifyFrames(m, 24);
    }

    void argmaxStreamsBitExactly()
    {
        arch::MapOptions options;
        options.argmax = true;
        const Streamed m = stream(Builder().buildResnet(), "mini_resnet_argmax", options);
        QCOMPARE(m.plan.layers.back().kind, arch::stream::StreamKind::Frame);
        QCOMPARE(m.plan.output.channels, int64_t(1));
        verifyFrames(m, 24);
    }

    void branchedStreamsBitExactly()
    {
        // The Concat's thresholds apply to q - z of every input's codes (sim/int_executor.cpp); when the mapped
        // block subtracted z from input 0's codes only, ~90 % of branched_model_ch_last's outputs differed.
        const Streamed m = stream(Builder().buildBranched(), "mini_branched", {});
        QCOMPARE(m.plan.input.order, arch::stream::Order::ChannelsLast);
        verifyFrames(m, 6);
    }

    void unstreamedLayerIsNamed()
    {
        try {
            stream(Builder().buildTransposed(), "mini_transposed", {});
            QFAIL("a Transpose of rows and columns was planned as a stream");
        } catch (const Error& e) {
            const std::string what = e.what();
            qInfo("%s", e.what());
            QVERIFY(what.find("streaming RTL: layer '") != std::string::npos);
            QVERIFY(what.find("(Transpose) has perm [0,2,1], which moves pixels") != std::string::npos);
        }
    }

private:
    struct Streamed {
        std::filesystem::path dir;
        ir::Graph graph;
        quant::IntGraph ints;
        arch::HwDesign design;
        arch::stream::StreamPlan plan;
    };

    // The model written, imported, lowered and mapped as the pipeline does, and its streaming plan (its 8x8 maps
    // fit the whole-vector ports, so it is streamed here on purpose).
    Streamed stream(const onnx::ModelProto& proto, const std::string& name, arch::MapOptions options)
    {
        Streamed m;
        m.dir = std::filesystem::path(m_tmp.path().toStdString()) / name;
        std::filesystem::create_directories(m.dir);
        const std::string model = (m.dir / (name + ".onnx")).string();
        {
            std::ofstream out(model, std::ios::binary);
            if (!proto.SerializeToOstream(&out)) qFatal("cannot write %s", model.c_str());
        }
        m.graph = importer::importModel(model);
        m.ints = quant::lowerToInteger(m.graph);
        options.tlmac.effort = 0.1;
        m.design = arch::mapDesign(m.ints, options);
        if (arch::stream::needsStreaming(m.design))
            qFatal("%s needs streaming; the test wants small maps", name.c_str());
        m.plan = arch::stream::planStream(m.ints, m.design);
        return m;
    }

    // `frames` random frames one after another without reset, every output value compared with the golden model.
    void verifyFrames(const Streamed& m, int64_t frames)
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        rtl::writeFiles(m.dir, rtl::stream::emitStreamDesign(m.design, m.plan));
        sim::Dataset data { m.graph.inputShape, frames, {} };
        std::mt19937_64 rng(3);
        std::uniform_real_distribution<double> value(-1.0, 1.0);
        data.data.resize(size_t(data.count * data.sampleSize()));
        for (double& x : data.data)
            x = value(rng);
        rtl::writeVectors(m.dir / rtl::kVectorsFile, rtl::goldenVectors(m.ints, m.design, data));
        const verify::VerifyReport r = verify::verifyDesign(m.dir, {});
        for (const auto& x : r.mismatches)
            qInfo("mismatch: frame %lld output %lld expected %lld got %lld", (long long)x.sample, (long long)x.output,
                (long long)x.expected, (long long)x.got);
        qInfo("%s: %lld/%lld frames, %.0f cycles per frame (planned bottleneck %lld)", m.design.model.c_str(),
            (long long)r.passed, (long long)r.vectors, r.cyclesPerInference(), (long long)m.plan.frameCycles);
        QCOMPARE(r.vectors, frames);
        QCOMPARE(r.failed, int64_t(0));
    }

    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestStreamBlocks)
#include "test_stream_blocks.moc"
