// FINN interop (issue 27) through the real luthier-cli: FINN's cybsec dataflow build (four MVAU_hls) and the
// models tests/data/finn/make_finn_models.py generates (a streamlined MatMul + MultiThreshold MLP, and
// Thresholding / XNOR / bipolar / noActivation MVAUs). Expected outputs are computed here from the models'
// initializers with FINN's op definitions (qonnx multithreshold, MVAU and Thresholding execute_node),
// independently of the importer; the cybsec build is also compiled and verified in Verilator.

#include "sim/npy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <onnx/onnx_pb.h>
#include <random>

using namespace luthier;

namespace {

const QString kCli = QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli");
const std::string kCybsec = LUTHIER_SHARED_DIR "/models/finn/cybsec_PE_SIMD.onnx";
const std::string kStreamlined = LUTHIER_SOURCE_DIR "/tests/data/finn/streamlined_mlp.onnx";
const std::string kDataflow = LUTHIER_SOURCE_DIR "/tests/data/finn/dataflow_variants.onnx";
const std::string kTfc = LUTHIER_SHARED_DIR "/models/TFC_2W2A.onnx";
const std::string kTfcStreamlined = LUTHIER_SOURCE_DIR "/tests/data/finn/TFC_2W2A_streamlined.onnx";
const QString kDigits = QStringLiteral(LUTHIER_SHARED_DIR "/data/mnist_x_2k.npy");

struct Run {
    int exitCode = -1;
    QString out, err;
};

Run cli(const QStringList& args)
{
    QProcess p;
    p.start(kCli, args);
    p.waitForFinished(600000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
        QString::fromUtf8(p.readAllStandardError()) };
}

// A batch of row vectors.
struct Matrix {
    int64_t rows = 0, cols = 0;
    std::vector<double> v;
    double& at(int64_t r, int64_t c) { return v[size_t(r * cols + c)]; }
    double at(int64_t r, int64_t c) const { return v[size_t(r * cols + c)]; }
};

struct Model {
    onnx::ModelProto proto;
    std::map<std::string, onnx::TensorProto> inits;

    explicit Model(const std::string& path)
    {
        std::ifstream in(path, std::ios::binary);
        if (!proto.ParseFromIstream(&in)) throw std::runtime_error("cannot parse " + path);
        for (const auto& t : proto.graph().initializer())
            inits[t.name()] = t;
    }
    // A float initializer (raw_data or float_data) as a {rows, cols} matrix; 1-D ones are one row.
    Matrix matrix(const std::string& name) const
    {
        const onnx::TensorProto& t = inits.at(name);
        Matrix m;
        m.rows = t.dims_size() == 2 ? t.dims(0) : 1;
        m.cols = t.dims_size() == 2 ? t.dims(1) : (t.dims_size() ? t.dims(0) : 1);
        if (t.data_type() != onnx::TensorProto::FLOAT) throw std::runtime_error(name + " is not float");
        std::vector<float> f(size_t(m.rows * m.cols));
        if (!t.raw_data().empty())
            std::memcpy(f.data(), t.raw_data().data(), f.size() * sizeof(float));
        else
            for (int i = 0; i < t.float_data_size(); ++i)
                f[size_t(i)] = t.float_data(i);
        m.v.assign(f.begin(), f.end());
        return m;
    }
};

std::string attrS(const onnx::NodeProto& n, const std::string& name, const std::string& fallback = "")
{
    for (const auto& a : n.attribute())
        if (a.name() == name) return a.s();
    return fallback;
}
double attrF(const onnx::NodeProto& n, const std::string& name, double fallback)
{
    for (const auto& a : n.attribute())
        if (a.name() == name) return a.type() == onnx::AttributeProto::FLOAT ? a.f() : double(a.i());
    return fallback;
}

Matrix matmul(const Matrix& x, const Matrix& w)
{
    Matrix y { x.rows, w.cols, std::vector<double>(size_t(x.rows * w.cols), 0.0) };
    for (int64_t r = 0; r < x.rows; ++r)
        for (int64_t k = 0; k < x.cols; ++k)
            for (int64_t c = 0; c < w.cols; ++c)
                y.at(r, c) += x.at(r, k) * w.at(k, c);
    return y;
}

// qonnx multithreshold on {N, C}: out_scale * #{k : t[c][k] <= x} + out_bias (one row t: every channel).
Matrix multithreshold(const Matrix& x, const Matrix& t, double scale, double bias)
{
    Matrix y = x;
    for (int64_t r = 0; r < x.rows; ++r)
        for (int64_t c = 0; c < x.cols; ++c) {
            const int64_t row = t.rows == 1 ? 0 : c;
            int64_t count = 0;
            for (int64_t k = 0; k < t.cols; ++k)
                count += t.at(row, k) <= x.at(r, c) ? 1 : 0;
            y.at(r, c) = scale * double(count) + bias;
        }
    return y;
}

// The models' graphs on {N, C} tensors, node by node with FINN's definitions.
Matrix reference(const Model& m, Matrix x)
{
    for (const auto& n : m.proto.graph().node()) {
        const std::string& op = n.op_type();
        if (op == "Reshape") continue; // {N, 1, 28, 28} -> {N, 784}: x is already flat
        if (op == "MatMul") {
            x = matmul(x, m.matrix(n.input(1)));
        } else if (op == "MultiThreshold") {
            x = multithreshold(x, m.matrix(n.input(1)), attrF(n, "out_scale", 1.0), attrF(n, "out_bias", 0.0));
        } else if (op == "Mul" || op == "Add") {
            const Matrix c = m.matrix(n.input(1));
            for (int64_t r = 0; r < x.rows; ++r)
                for (int64_t k = 0; k < x.cols; ++k)
                    x.at(r, k) = op == "Mul" ? x.at(r, k) * c.v[c.v.size() == 1 ? 0 : size_t(k)]
                                             : x.at(r, k) + c.v[c.v.size() == 1 ? 0 : size_t(k)];
        } else if (op.rfind("Thresholding", 0) == 0) {
            x = multithreshold(x, m.matrix(n.input(1)), 1.0, attrF(n, "ActVal", 0));
            if (attrS(n, "outputDataType") == "BIPOLAR")
                for (double& v : x.v)
                    v = 2 * v - 1;
        } else if (op.rfind("MVAU", 0) == 0) {
            Matrix w = m.matrix(n.input(1));
            const bool xnor = attrF(n, "binaryXnorMode", 0) != 0;
            const bool bipolar = attrS(n, "inputDataType") == "BIPOLAR" && attrS(n, "weightDataType") == "BIPOLAR";
            if (xnor || bipolar) { // xnorpopcountmatmul on {0, 1} operands: the count of equal bits
                Matrix a = x;
                if (bipolar) {
                    for (double& v : a.v)
                        v = (v + 1) / 2;
                    for (double& v : w.v)
                        v = (v + 1) / 2;
                }
                Matrix y { a.rows, w.cols, std::vector<double>(size_t(a.rows * w.cols), 0.0) };
                for (int64_t r = 0; r < a.rows; ++r)
                    for (int64_t c = 0; c < w.cols; ++c)
                        for (int64_t k = 0; k < a.cols; ++k)
                            y.at(r, c) += a.at(r, k) == w.at(k, c) ? 1 : 0;
                x = y;
            } else {
                x = matmul(x, w);
            }
            if (attrF(n, "noActivation", 0) == 0) {
                const bool odtBipolar = attrS(n, "outputDataType") == "BIPOLAR";
                x = multithreshold(
                    x, m.matrix(n.input(2)), odtBipolar ? 2 : 1, odtBipolar ? -1 : attrF(n, "ActVal", 0));
            }
        } else {
            throw std::runtime_error("reference: unexpected op " + op);
        }
    }
    return x;
}

// MNIST digits as the UINT8 pixels FINN feeds a streamlined network.
Matrix mnistPixels(const QString& npyOut)
{
    const sim::NpyArray digits = sim::readNpy(LUTHIER_SHARED_DIR "/data/mnist_x_2k.npy");
    Matrix x { digits.shape[0], 784, {} };
    for (double v : digits.values)
        x.v.push_back(std::round(v * 255.0));
    std::vector<double> data = x.v;
    sim::writeNpy(npyOut.toStdString(), { x.rows, 1, 28, 28 }, data);
    return x;
}

void expectRunMatches(
    const std::string& model, const Matrix& x, const QString& inputs, const QString& dir, bool floatRef)
{
    const QString out = dir + (floatRef ? "/float.npy" : "/int.npy");
    QStringList args { "run", QString::fromStdString(model), "--inputs", inputs, "--out", out };
    if (floatRef) args << "--float";
    const Run r = cli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const Matrix expect = reference(Model(model), x);
    const sim::NpyArray got = sim::readNpy(out.toStdString());
    QCOMPARE(got.count(), int64_t(expect.v.size()));
    int64_t mismatches = 0;
    for (size_t i = 0; i < expect.v.size(); ++i)
        if (got.values[i] != double(float(expect.v[i]))) { // run writes float32
            if (mismatches++ < 5)
                qWarning("element %zu: luthier %g, FINN definition %g", i, got.values[i], expect.v[i]);
        }
    QCOMPARE(mismatches, int64_t(0));
    // The outputs must vary, or the comparison proves little.
    std::map<double, int> seen;
    for (double v : expect.v)
        ++seen[v];
    QVERIFY(seen.size() >= 2);
}

} // namespace

class TestFinnImport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cybsecInspectShowsFolding()
    {
        const Run r = cli({ "inspect", QString::fromStdString(kCybsec), "--json" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray layers = QJsonDocument::fromJson(r.out.toUtf8()).object()["layers"].toArray();
        const Model m(kCybsec);
        int dense = 0;
        for (const auto& layer : layers) {
            const QJsonObject l = layer.toObject();
            if (l["kind"].toString() != "Dense") continue;
            const onnx::NodeProto& node = m.proto.graph().node(dense++);
            QCOMPARE(l["finn_folding"].toObject()["pe"].toInt(), int(attrF(node, "PE", 0)));
            QCOMPARE(l["finn_folding"].toObject()["simd"].toInt(), int(attrF(node, "SIMD", 0)));
            QCOMPARE(l["weights"].toString(), QStringLiteral("int2"));
        }
        QCOMPARE(dense, 4);
        const Run table = cli({ "inspect", QString::fromStdString(kCybsec) });
        QCOMPARE(table.out.count("finn folding:"), 4);
        QVERIFY(table.out.contains("PE=1 SIMD=1"));
    }

    void cybsecRunAndVerify()
    {
        QTemporaryDir dir;
        std::mt19937 rng(27);
        Matrix x { 200, 600, {} };
        for (int64_t i = 0; i < x.rows * x.cols; ++i)
            x.v.push_back(rng() & 1 ? 1.0 : -1.0);
        const QString inputs = dir.path() + "/bipolar.npy";
        sim::writeNpy(inputs.toStdString(), { x.rows, x.cols }, x.v);
        expectRunMatches(kCybsec, x, inputs, dir.path(), false);
        expectRunMatches(kCybsec, x, inputs, dir.path(), true);
        const QString design = dir.path() + "/design";
        Run r
            = cli({ "compile", QString::fromStdString(kCybsec), "-o", design, "--inputs", inputs, "--vectors", "64" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = cli({ "verify", design });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains("64 vectors, 64 passed, 0 failed"));
    }

    void streamlinedMultiThresholdOnDigits()
    {
        QTemporaryDir dir;
        const QString inputs = dir.path() + "/pixels.npy";
        const Matrix x = mnistPixels(inputs);
        expectRunMatches(kStreamlined, x, inputs, dir.path(), false);
        expectRunMatches(kStreamlined, x, inputs, dir.path(), true);
    }

    // The shared TFC_2W2A streamlined into MultiThreshold nodes (make_streamlined_tfc.py) gives the original's
    // golden-model integers on every digit, and FINN's definition of its own graph.
    void streamlinedTfcMatchesOriginal()
    {
        QTemporaryDir dir;
        std::vector<std::vector<int64_t>> ints;
        for (const std::string& model : { kTfc, kTfcStreamlined }) {
            const QString out = dir.path() + "/ints.npy";
            const Run r = cli({ "run", QString::fromStdString(model), "--inputs", kDigits, "--out",
                dir.path() + "/out.npy", "--out-ints", out });
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            ints.push_back(sim::readNpy(out.toStdString()).ints);
        }
        QCOMPARE(ints[0].size(), size_t(2000 * 10));
        QVERIFY(ints[0] == ints[1]);
        const Run r = cli({ "inspect", QString::fromStdString(kTfcStreamlined) });
        QCOMPARE(r.out.count("int2 narrow "), 4); // the input and three MultiThreshold activations
        const sim::NpyArray digits = sim::readNpy(kDigits.toStdString());
        expectRunMatches(kTfcStreamlined, Matrix { 2000, 784, digits.values }, kDigits, dir.path(), false);
    }

    void dataflowVariantsOnDigits()
    {
        QTemporaryDir dir;
        const QString inputs = dir.path() + "/pixels.npy";
        const Matrix x = mnistPixels(inputs);
        expectRunMatches(kDataflow, x, inputs, dir.path(), false);
        Run r = cli({ "inspect", QString::fromStdString(kDataflow) });
        QVERIFY(r.out.contains("finn folding: a1_node PE=4 SIMD=16"));
        // The XNOR bias, bipolar products and BINARY input thresholds in hardware too.
        const QString design = dir.path() + "/design";
        r = cli({ "compile", QString::fromStdString(kDataflow), "-o", design, "--inputs", inputs, "--vectors", "64" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = cli({ "verify", design });
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains("64 vectors, 64 passed, 0 failed"));
    }

    // analyze --json sets FINN's schedule beside the templates: MH/PE * MW/SIMD from the node's attributes.
    void analyzeReportsFinnFolding()
    {
        const Run r = cli({ "analyze", QString::fromStdString(kDataflow), "--json" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray layers = QJsonDocument::fromJson(r.out.toUtf8()).object()["layers"].toArray();
        const Model m(kDataflow);
        int checked = 0;
        for (const auto& node : m.proto.graph().node()) {
            if (node.op_type().rfind("MVAU", 0) != 0) continue;
            const QJsonObject l = layers.at(checked++).toObject();
            QCOMPARE(l["name"].toString().toStdString(), node.name());
            const double mh = attrF(node, "MH", 0), mw = attrF(node, "MW", 0);
            const double pe = attrF(node, "PE", 0), simd = attrF(node, "SIMD", 0);
            const QJsonObject f = l["finnFolding"].toObject();
            QCOMPARE(f["pe"].toDouble(), pe);
            QCOMPARE(f["simd"].toDouble(), simd);
            QCOMPARE(f["cycles"].toDouble(), (mh / pe) * (mw / simd));
            QVERIFY(l["costs"].toArray().size() > 1); // beside Luthier's templates
        }
        QCOMPARE(checked, 4);
        const Run table = cli({ "analyze", QString::fromStdString(kCybsec) });
        QCOMPARE(table.out.count(QRegularExpression("\\n    finn +- +- +- +- +\\d+  FINN's folding PE=1 SIMD=1")), 4);
    }

    // 4-D MultiThreshold: per-channel NCHW thresholds after a Conv, NHWC ones after a Transpose. The expected
    // outputs were computed by make_finn_models.py with numpy from the definition.
    void multiThresholdLayoutsOnConvolutions()
    {
        QTemporaryDir dir;
        const QString inputs = dir.path() + "/pixels.npy";
        mnistPixels(inputs);
        const QString out = dir.path() + "/out.npy";
        const Run r
            = cli({ "run", LUTHIER_SOURCE_DIR "/tests/data/finn/conv_layouts.onnx", "--inputs", inputs, "--out", out });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const sim::NpyArray expect = sim::readNpy(LUTHIER_SOURCE_DIR "/tests/data/finn/conv_layouts.expected.npy");
        const sim::NpyArray got = sim::readNpy(out.toStdString());
        QCOMPARE(expect.count(), int64_t(2000 * 10));
        QVERIFY(got.values == expect.values);
        const Run table = cli({ "inspect", LUTHIER_SOURCE_DIR "/tests/data/finn/conv_layouts.onnx" });
        QVERIFY(table.out.contains(QRegularExpression("Conv_0 +Conv .* int2 +int2 ")));
        QVERIFY(table.out.contains(QRegularExpression("Transpose_0 +Transpose .* bipolar ")));
    }

    // Malformed MultiThresholds are clear errors naming the node, not wrong numbers.
    void malformedMultiThresholdIsRefused()
    {
        QTemporaryDir dir;
        auto refused = [&](const std::function<void(onnx::ModelProto&)>& edit, const QString& message) {
            Model m(kStreamlined);
            edit(m.proto);
            const std::string path = dir.path().toStdString() + "/bad.onnx";
            std::ofstream out(path, std::ios::binary);
            QVERIFY(m.proto.SerializeToOstream(&out));
            out.close();
            const Run r = cli({ "inspect", QString::fromStdString(path) });
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("node 'MultiThreshold_0'") && r.err.contains(message), qPrintable(r.err));
        };
        auto node0 = [](onnx::ModelProto& p) -> onnx::NodeProto& { return *p.mutable_graph()->mutable_node(2); };
        refused(
            [&](onnx::ModelProto& p) {
                for (auto& a : *node0(p).mutable_attribute())
                    if (a.name() == "out_bias") a.set_f(-1.5f);
            },
            "is not an integer");
        refused(
            [&](onnx::ModelProto& p) {
                for (auto& t : *p.mutable_graph()->mutable_initializer())
                    if (t.name() == "T0") {
                        std::string raw = t.raw_data();
                        std::swap(raw[0], raw[8]); // first channel's first and third threshold (float32)
                        std::swap(raw[1], raw[9]);
                        std::swap(raw[2], raw[10]);
                        std::swap(raw[3], raw[11]);
                        t.set_raw_data(raw);
                    }
            },
            "are not ascending");
        refused([&](onnx::ModelProto& p) { node0(p).set_input(1, "mm0"); }, "must be a constant");
    }

    void multiThresholdActivationBitsAreFixed()
    {
        QTemporaryDir dir;
        const Run r = cli(
            { "compile", QString::fromStdString(kStreamlined), "-o", dir.path() + "/d", "--set", "MatMul_0.abits=3" });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("layer 'MatMul_0' ends in a FINN MultiThreshold"), qPrintable(r.err));
    }

    void otherDataflowOpsAreRefusedByName()
    {
        const Run r = cli({ "inspect", LUTHIER_SHARED_DIR "/models/finn/residual_testcase.onnx" });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("node 'DuplicateStreams_Batch_0'"), qPrintable(r.err));
        QVERIFY2(r.err.contains("FINN dataflow op 'DuplicateStreams_Batch' is not supported"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestFinnImport)
#include "test_finn_import.moc"
