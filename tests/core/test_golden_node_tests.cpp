// ONNX's own node tests for the standard quantised operators (Debian's libonnx-testdata): the model's
// first input is the data, the other inputs (scales, zero points, weights) are bound as constants, and
// both executors must reproduce output_0.pb exactly (integers equal; float outputs equal as float32).

#include "onnx/importer.h"
#include "quant/lower.h"
#include "sim/dataset.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "util/error.h"

#include <QtTest>
#include <cstring>
#include <fstream>
#include <onnx/onnx_pb.h>
#include <sstream>

using namespace luthier;

namespace {

const std::string kNodeDir = "/usr/share/libonnx-testdata/data/node/";

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

onnx::TensorProto readTensor(const std::string& path)
{
    onnx::TensorProto t;
    if (!t.ParseFromString(readFile(path))) throw std::runtime_error(path + ": not a TensorProto");
    return t;
}

bool isFloat(const onnx::TensorProto& t)
{
    return t.data_type() == onnx::TensorProto::FLOAT;
}

// Every element as double, from raw_data or the typed repeated fields.
std::vector<double> valuesOf(const onnx::TensorProto& t)
{
    int64_t n = 1;
    for (int64_t d : t.dims())
        n *= d;
    std::vector<double> v;
    const std::string& raw = t.raw_data();
    auto fromRaw = [&](auto tag) {
        using T = decltype(tag);
        for (int64_t i = 0; i < n; ++i) {
            T x;
            std::memcpy(&x, raw.data() + i * int64_t(sizeof(T)), sizeof(T));
            v.push_back(double(x));
        }
    };
    switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
        if (!raw.empty())
            fromRaw(float());
        else
            v.assign(t.float_data().begin(), t.float_data().end());
        break;
    case onnx::TensorProto::UINT8:
        if (!raw.empty())
            fromRaw(uint8_t());
        else
            v.assign(t.int32_data().begin(), t.int32_data().end());
        break;
    case onnx::TensorProto::INT8:
        if (!raw.empty())
            fromRaw(int8_t());
        else
            v.assign(t.int32_data().begin(), t.int32_data().end());
        break;
    case onnx::TensorProto::INT32:
        if (!raw.empty())
            fromRaw(int32_t());
        else
            v.assign(t.int32_data().begin(), t.int32_data().end());
        break;
    default:
        throw std::runtime_error("tensor type " + std::to_string(t.data_type()) + " not handled by this test");
    }
    return v;
}

// Empty when both executors reproduce output_0.pb exactly, else what differs.
std::string runNodeTest(const std::string& name)
{
    const std::string dir = kNodeDir + name + "/";
    onnx::ModelProto model;
    if (!model.ParseFromString(readFile(dir + "model.onnx"))) return "model.onnx does not parse";
    importer::BoundInputs bound;
    for (int k = 1; k < model.graph().input_size(); ++k)
        bound[model.graph().input(k).name()] = readTensor(dir + "test_data_set_0/input_" + std::to_string(k) + ".pb");
    const ir::Graph graph = importer::importModel(dir + "model.onnx", {}, bound);

    const onnx::TensorProto x = readTensor(dir + "test_data_set_0/input_0.pb");
    const onnx::TensorProto y = readTensor(dir + "test_data_set_0/output_0.pb");
    sim::Dataset data;
    data.sampleShape = graph.layers.at(0).outShape;
    data.data = valuesOf(x);
    data.count = int64_t(data.data.size()) / data.sampleSize();
    const std::vector<double> expected = valuesOf(y);

    const sim::RunResult f = sim::runFloat(graph, data);
    const quant::IntGraph ig = quant::lowerToInteger(graph);
    const sim::RunResult q = sim::runInteger(ig, data);
    if (f.outputs.at(0).values.size() != expected.size() || q.outputs.at(0).values.size() != expected.size())
        return "output sizes differ from output_0.pb";
    for (size_t i = 0; i < expected.size(); ++i) {
        // Float outputs are float32 in ONNX: compare after the same rounding.
        const double fv = isFloat(y) ? double(float(f.outputs[0].values[i])) : f.outputs[0].values[i];
        const double qv = isFloat(y) ? double(float(q.outputs[0].values[i])) : double(q.outputs[0].ints[i]);
        if (fv != expected[i] || qv != expected[i])
            return "element " + std::to_string(i) + ": expected " + std::to_string(expected[i]) + ", float executor "
                + std::to_string(fv) + ", integer executor " + std::to_string(qv);
    }
    return {};
}

} // namespace

class TestGoldenNodeTests : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nodeTest_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* n :
            { "test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear", "test_dequantizelinear_axis",
                "test_qlinearconv", "test_qlinearmatmul_2D", "test_convinteger_with_padding",
                "test_convinteger_without_padding", "test_basic_convinteger", "test_matmulinteger" })
            QTest::newRow(n) << QString(n);
    }
    void nodeTest()
    {
        QFETCH(QString, name);
        if (!QFile::exists(QString::fromStdString(kNodeDir) + name + "/model.onnx"))
            QFAIL("libonnx-testdata is not installed (scripts/deps.sh installs it)");
        std::string error;
        try {
            error = runNodeTest(name.toStdString());
        } catch (const std::exception& e) {
            error = e.what();
        }
        QVERIFY2(error.empty(), error.c_str());
    }

    // test_qlinearmatmul_3D multiplies each batch element by its own weight matrix ({2, 4, 3}): per-sample
    // hardware cannot have batch-dependent weights, so the importer must refuse it clearly.
    void batchDependentWeightsAreRefused()
    {
        try {
            runNodeTest("test_qlinearmatmul_3D");
            QFAIL("imported a batched weight tensor");
        } catch (const luthier::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("one weight matrix per batch element"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestGoldenNodeTests)
#include "test_golden_node_tests.moc"
