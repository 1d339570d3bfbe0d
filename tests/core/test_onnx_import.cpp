// Import of every shared model into the IR. Expected layer lists were read off the ONNX graphs by hand
// (node by node with the layer sizes the model zoos publish: TFC 784-64-64-64-10, JSC 16-64-32-32-5),
// not from the importer's own output.

#include "error_of.h"
#include "ir/graph.h"
#include "ir/template_kind.h"
#include "onnx/importer.h"
#include "util/error.h"

#include <QtTest>
#include <fstream>

using namespace luthier;

namespace {

std::string model(const char* name)
{
    return std::string(LUTHIER_SHARED_DIR) + "/models/" + name;
}

// Importing `bytes` as `file` fails with an Error that names the file first and says `expected`.
void expectImportError(const std::string& bytes, const std::string& file, const QString& expected)
{
    const QString msg = QString::fromStdString(test::errorOf([&] { importer::importModelFromBytes(bytes, file); }));
    QVERIFY2(msg.contains(expected) && msg.startsWith(QString::fromStdString(file)),
        qPrintable(msg.isEmpty() ? "no error" : msg));
}

struct Expected {
    ir::LayerKind kind;
    ir::Shape out;
    std::string weights; // QuantSpec::describe() of the weights, "" when the layer has none
    std::string activation; // output quantiser, "-" when none
    int64_t parameters;
};

void checkLayers(const ir::Graph& g, const std::vector<Expected>& expected)
{
    QCOMPARE(g.layers.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        const ir::Layer& l = g.layers[i];
        const Expected& e = expected[i];
        QVERIFY2(l.kind == e.kind, (std::to_string(i) + ": " + ir::toString(l.kind)).c_str());
        QCOMPARE(l.outShape, e.out);
        if (!e.weights.empty()) QCOMPARE(l.weightQuant.describe(), e.weights);
        const ir::QuantSpec* q = l.outputQuant();
        QCOMPARE(q ? q->describe() : std::string("-"), e.activation);
        QCOMPARE(l.parameterCount(), e.parameters);
    }
    for (size_t i = 1; i < g.layers.size(); ++i)
        for (int in : g.layers[i].inputs)
            QVERIFY(in >= 0 && size_t(in) < i); // topological order
}

} // namespace

class OnnxImportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tfc2w2a()
    {
        // Reshape + (x*2 - 1) preprocessing + 2-bit narrow quantiser fold into the input; BN folds into the
        // dense epilogues; the last BN (Sub/Div/Mul/Add on scalars) stays an affine epilogue without quantiser.
        const ir::Graph g = importer::importModel(model("TFC_2W2A.onnx"));
        using K = ir::LayerKind;
        checkLayers(g,
            { { K::Input, { 784 }, "", "int2 narrow", 0 }, { K::Dense, { 64 }, "int2 narrow", "int2 narrow", 784 * 64 },
                { K::Dense, { 64 }, "int2 narrow", "int2 narrow", 64 * 64 },
                { K::Dense, { 64 }, "int2 narrow", "int2 narrow", 64 * 64 },
                { K::Dense, { 10 }, "int2 narrow", "-", 64 * 10 } });
        QCOMPARE(g.layers[1].weight.shape, (ir::Shape { 64, 784 }));
        QCOMPARE(g.inputShape, (ir::Shape { 1, 28, 28 }));
        QCOMPARE(g.outputs, std::vector<int> { 4 });
        // Input preprocessing: x*2, -1, then the quantiser.
        const auto& pre = g.layers[0].epilogue;
        QCOMPARE(pre.size(), size_t(3));
        QCOMPARE(pre[0].apply(0.75, 0), 1.5);
        QCOMPARE(pre[1].apply(1.5, 0), 0.5);
        // BatchNormalization of 64 channels became a per-channel affine op before the quantiser.
        const auto& ep = g.layers[1].epilogue;
        QCOMPARE(ep.size(), size_t(2));
        QCOMPARE(ep[0].kind, ir::PointwiseKind::Affine);
        QCOMPARE(ep[0].mul.size(), size_t(64));
        QCOMPARE(ep[1].kind, ir::PointwiseKind::Quant);
        // Weights are the float values before the quantiser; the quantiser maps them to {-1, 0, 1}.
        for (size_t i = 0; i < 200; ++i) {
            const int64_t q = g.layers[1].weightQuant.toInt(g.layers[1].weight.data[i], 0);
            QVERIFY(q >= -1 && q <= 1);
        }
        QCOMPARE(g.totalMacs(), int64_t(59008));
    }

    void tfcBinaryAndMixed()
    {
        using K = ir::LayerKind;
        const ir::Graph g1 = importer::importModel(model("TFC_1W1A.onnx"));
        checkLayers(g1,
            { { K::Input, { 784 }, "", "bipolar", 0 }, { K::Dense, { 64 }, "bipolar", "bipolar", 784 * 64 },
                { K::Dense, { 64 }, "bipolar", "bipolar", 4096 }, { K::Dense, { 64 }, "bipolar", "bipolar", 4096 },
                { K::Dense, { 10 }, "bipolar", "-", 640 } });
        const ir::Graph g2 = importer::importModel(model("TFC_1W2A.onnx"));
        checkLayers(g2,
            { { K::Input, { 784 }, "", "int2 narrow", 0 }, { K::Dense, { 64 }, "bipolar", "int2 narrow", 784 * 64 },
                { K::Dense, { 64 }, "bipolar", "int2 narrow", 4096 },
                { K::Dense, { 64 }, "bipolar", "int2 narrow", 4096 }, { K::Dense, { 10 }, "bipolar", "-", 640 } });
    }

    void jetTagger()
    {
        // 16-64-32-32-5 with 6-bit weights and biases, ReLU + unsigned 6-bit activations, Softmax output.
        const ir::Graph g = importer::importModel(model("qkeras_jettagging.onnx"));
        using K = ir::LayerKind;
        checkLayers(g,
            { { K::Input, { 16 }, "", "-", 0 }, { K::Dense, { 64 }, "int6", "uint6", 16 * 64 + 64 },
                { K::Dense, { 32 }, "int6", "uint6", 64 * 32 + 32 },
                { K::Dense, { 32 }, "int6", "uint6", 32 * 32 + 32 }, { K::Dense, { 5 }, "int6", "-", 32 * 5 + 5 },
                { K::Softmax, { 5 }, "", "-", 0 } });
        QCOMPARE(g.layers[1].epilogue.size(), size_t(2)); // Relu, Quant
        QCOMPARE(g.layers[1].epilogue[0].kind, ir::PointwiseKind::Relu);
        QCOMPARE(g.layers[1].bias.size(), size_t(64));
        // Quant_6 stores the first layer's weights as [16, 64] (in x out); the IR holds {out, in}.
        QCOMPARE(g.layers[1].weight.shape, (ir::Shape { 64, 16 }));
    }

    void binaryGemm()
    {
        const ir::Graph g = importer::importModel(model("bnn_model_fc_1layer.onnx"));
        using K = ir::LayerKind;
        checkLayers(g, { { K::Input, { 3 }, "", "bipolar", 0 }, { K::Dense, { 4 }, "bipolar", "bipolar", 12 + 4 } });
    }

    void channelsLastConvs()
    {
        // Conv weights stored OHWI, NHWC activations: computed as {C, H, W} with one transpose at each end.
        const ir::Graph g = importer::importModel(model("separable_conv_model_ch_last.onnx"));
        using K = ir::LayerKind;
        checkLayers(g,
            { { K::Input, { 512, 512, 3 }, "", "int4", 0 }, { K::Transpose, { 3, 512, 512 }, "", "-", 0 },
                { K::Conv, { 3, 512, 512 }, "int4 narrow", "int4", 27 },
                { K::Conv, { 16, 512, 512 }, "int4 narrow", "int4", 48 + 16 },
                { K::Conv, { 16, 512, 512 }, "int4 narrow", "int4", 144 },
                { K::Conv, { 16, 512, 512 }, "int4 narrow", "-", 256 + 16 },
                { K::Transpose, { 512, 512, 16 }, "", "-", 0 } });
        QCOMPARE(g.layers[2].window.groups, int64_t(3)); // depthwise
        QCOMPARE(g.layers[2].weight.shape, (ir::Shape { 3, 1, 3, 3 }));
        QCOMPARE(g.layers[3].weight.shape, (ir::Shape { 16, 3, 1, 1 }));
        // Quant_8 -> LeakyRelu -> Quant_9 all fold into the second conv's epilogue.
        QCOMPARE(g.layers[3].epilogue.size(), size_t(3));
        QCOMPARE(g.layers[3].epilogue[1].kind, ir::PointwiseKind::LeakyRelu);
    }

    void branchedUnet()
    {
        // 14 convolutions, a max-pool, nearest upsampling and a channel concat of the skip connection.
        const ir::Graph g = importer::importModel(model("branched_model_ch_last.onnx"));
        int convs = 0, pools = 0, resizes = 0, concats = 0;
        for (const auto& l : g.layers) {
            convs += l.kind == ir::LayerKind::Conv;
            pools += l.kind == ir::LayerKind::MaxPool;
            resizes += l.kind == ir::LayerKind::Resize;
            concats += l.kind == ir::LayerKind::Concat;
        }
        QCOMPARE(convs, 14);
        QCOMPARE(pools, 1);
        QCOMPARE(resizes, 1);
        QCOMPARE(concats, 1);
        QCOMPARE(g.layers.back().outShape, (ir::Shape { 256, 256, 2 }));
        for (const auto& l : g.layers)
            if (l.kind == ir::LayerKind::Concat) {
                QCOMPARE(l.axis, 0); // NHWC axis -1 is the channel axis, 0 in {C, H, W} storage
                QCOMPARE(l.outShape, (ir::Shape { 64, 256, 256 }));
                QCOMPARE(l.inputs.size(), size_t(2));
            } else if (l.kind == ir::LayerKind::Resize) {
                QCOMPARE(l.resizeScales, (std::vector<double> { 1, 2, 2 }));
            }
    }

    void floatModels()
    {
        using K = ir::LayerKind;
        const ir::Graph dense = importer::importModel(model("three_layer_keras.onnx"));
        checkLayers(dense,
            { { K::Input, { 16 }, "", "-", 0 }, { K::Dense, { 64 }, "float", "-", 1088 },
                { K::Dense, { 32 }, "float", "-", 2080 }, { K::Dense, { 32 }, "float", "-", 1056 },
                { K::Dense, { 5 }, "float", "-", 165 }, { K::Softmax, { 5 }, "", "-", 0 } });
        const ir::Graph conv = importer::importModel(model("conv2d_small_keras.onnx"));
        checkLayers(conv,
            { { K::Input, { 8, 8, 1 }, "", "-", 0 }, { K::Transpose, { 1, 8, 8 }, "", "-", 0 },
                { K::Conv, { 2, 8, 8 }, "float", "-", 20 }, { K::Transpose, { 8, 8, 2 }, "", "-", 0 },
                { K::Flatten, { 128 }, "", "-", 0 }, { K::Dense, { 10 }, "float", "-", 1290 },
                { K::Softmax, { 10 }, "", "-", 0 } });
    }

    void onnxNodeTests_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected"); // a layer kind, or the epilogue op the node becomes
        const std::pair<const char*, const char*> cases[]
            = { { "test_quantizelinear", "quantize_linear" }, { "test_dequantizelinear", "dequantize_linear" },
                  { "test_dequantizelinear_axis", "dequantize_linear" }, { "test_qlinearconv", "Conv" },
                  { "test_qlinearmatmul_2D", "Dense" }, { "test_convinteger_with_padding", "Conv" },
                  { "test_basic_convinteger", "Conv" }, { "test_matmulinteger", "Dense" } };
        for (const auto& [n, e] : cases)
            QTest::newRow(n) << QString::fromLatin1(n) << QString::fromLatin1(e);
    }

    void onnxNodeTests()
    {
        // Debian's libonnx-testdata: parameters are graph inputs with values in test_data_set_0.
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const std::string dir = "/usr/share/libonnx-testdata/data/node/" + name.toStdString();
        if (!QFileInfo::exists(QString::fromStdString(dir)))
            QFAIL("libonnx-testdata is not installed (scripts/deps.sh installs it)");
        onnx::ModelProto m;
        {
            std::ifstream f(dir + "/model.onnx", std::ios::binary);
            QVERIFY(m.ParseFromIstream(&f));
        }
        importer::BoundInputs bound;
        for (int i = 1; i < m.graph().input_size(); ++i) {
            std::ifstream f(dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb", std::ios::binary);
            onnx::TensorProto t;
            QVERIFY(t.ParseFromIstream(&f));
            bound[m.graph().input(i).name()] = t;
        }
        const ir::Graph g = importer::importModel(dir + "/model.onnx", {}, bound);
        QCOMPARE(g.outputs.size(), size_t(1));
        bool found = false;
        for (const auto& l : g.layers) {
            found = found || expected == QString::fromLatin1(ir::toString(l.kind));
            for (const auto& op : l.epilogue)
                found = found || expected == QString::fromLatin1(op.name());
        }
        QVERIFY2(found, qPrintable(expected));
    }

    void errorsNameTheProblem_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QFile tfc(QString::fromStdString(model("TFC_2W2A.onnx")));
        QVERIFY(tfc.open(QIODevice::ReadOnly));
        const QByteArray all = tfc.readAll();
        QTest::newRow("truncated") << all.left(all.size() / 2) << "not a valid ONNX model";
        QByteArray noise(4096, 0);
        for (int i = 0; i < noise.size(); ++i)
            noise[i] = char((i * 2654435761u) >> 13);
        QTest::newRow("random bytes") << noise << "not a valid ONNX model";
        QTest::newRow("empty") << QByteArray() << "empty";
    }

    void errorsNameTheProblem()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        expectImportError(bytes.toStdString(), "bad.onnx", expected);
    }

    void graphErrors_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("cycle") << "cycle"
                               << "cycle";
        QTest::newRow("unknown op") << "unknown"
                                    << "node 'sine' (Sin): unsupported op";
        QTest::newRow("missing initializer") << "missing"
                                             << "input 'W' is neither";
        QTest::newRow("inconsistent shape") << "shape"
                                            << "weights expect 10 inputs, the input has 16";
        QTest::newRow("huge tensor") << "huge"
                                     << "larger than the limit";
    }

    void graphErrors()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        onnx::ModelProto m;
        auto* g = m.mutable_graph();
        auto* in = g->add_input();
        in->set_name("x");
        auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
        shape->add_dim()->set_dim_value(1);
        shape->add_dim()->set_dim_value(16);
        g->add_output()->set_name("y");
        auto node = [&](const char* op, std::vector<std::string> ins, const char* out, const char* name) {
            auto* n = g->add_node();
            n->set_op_type(op);
            n->set_name(name);
            for (const auto& i : ins)
                n->add_input(i);
            n->add_output(out);
        };
        auto weights = [&](int64_t rows, int64_t cols) {
            auto* w = g->add_initializer();
            w->set_name("W");
            w->set_data_type(onnx::TensorProto::FLOAT);
            w->add_dims(rows);
            w->add_dims(cols);
            for (int64_t i = 0; i < rows * cols; ++i)
                w->add_float_data(0.5f);
        };
        if (kind == "cycle") {
            node("Relu", { "b" }, "a", "first");
            node("Relu", { "a" }, "b", "second");
            node("Relu", { "b" }, "y", "third");
        } else if (kind == "unknown") {
            node("Sin", { "x" }, "y", "sine");
        } else if (kind == "missing") {
            node("MatMul", { "x", "W" }, "y", "mm");
        } else if (kind == "shape") {
            weights(10, 4);
            node("MatMul", { "x", "W" }, "y", "mm");
        } else if (kind == "huge") {
            auto* w = g->add_initializer();
            w->set_name("W");
            w->set_data_type(onnx::TensorProto::FLOAT);
            w->add_dims(int64_t(1) << 20);
            w->add_dims(int64_t(1) << 20); // declared 2^40 elements, no data
            node("MatMul", { "x", "W" }, "y", "mm");
        }
        expectImportError(m.SerializeAsString(), "model.onnx", expected);
    }

    // The names users see and files hold: QONNX's rounding_mode strings both ways, and the template names the CLI
    // documents (docs/cli.md: "lut-dense", "shift-add", ...), with "?" for a value no name covers.
    void enumNames()
    {
        QCOMPARE(std::string(ir::toString(ir::RoundingMode::HalfEven)), std::string("ROUND"));
        QCOMPARE(std::string(ir::toString(ir::RoundingMode::Down)), std::string("DOWN"));
        QCOMPARE(ir::roundingFromString("HALF_DOWN"), std::optional(ir::RoundingMode::HalfDown));
        QCOMPARE(ir::roundingFromString("CEIL"), std::optional(ir::RoundingMode::Ceil));
        QCOMPARE(ir::roundingFromString("round"), std::optional<ir::RoundingMode>());
        QCOMPARE(std::string(ir::toString(ir::LayerKind::GlobalAvgPool)), std::string("GlobalAvgPool"));
        QCOMPARE(ir::templateFromString("lut-dense"), std::optional(ir::TemplateKind::LutDense));
        QCOMPARE(ir::templateFromString("shift_add"), std::optional(ir::TemplateKind::ShiftAdd));
        QCOMPARE(ir::templateFromString("dsp"), std::optional(ir::TemplateKind::Dsp));
        QCOMPARE(ir::templateFromString("lut"), std::optional<ir::TemplateKind>());
        QCOMPARE(ir::toString(static_cast<ir::TemplateKind>(99)), std::string_view("?"));
    }

    void missingFile() { QVERIFY_THROWS_EXCEPTION(Error, importer::importModel("/nonexistent/model.onnx")); }
};

QTEST_GUILESS_MAIN(OnnxImportTest)
#include "test_onnx_import.moc"
