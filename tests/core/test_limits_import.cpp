// Resource limits of the ONNX importer on hostile input (issue 12): tensors whose declared size exceeds the
// budget, absurd dimensions and attributes, protobuf nesting far beyond the recursion limit, huge node
// counts and cyclic graphs must each end in a luthier::Error that says what is wrong, in bounded memory.
//
// Every import runs in a forked child (test_limits_isolated.h): a crash, a sanitizer abort or a hang then fails one
// test case with the signal instead of taking the whole suite down, and the child's peak RSS measures the
// memory the import needed (getrusage in a fresh child starts from the RSS at fork time).

#include "onnx/importer.h"
#include "test_limits_isolated.h"

#include <QtTest>
#include <cstring>
#include <limits>
#include <onnx/onnx_pb.h>

using namespace luthier;
using luthier::testing::Outcome;

namespace {

onnx::ModelProto emptyModel()
{
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(13);
    m.mutable_graph()->set_name("limits");
    return m;
}

void addInput(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims)
{
    auto* in = g->add_input();
    in->set_name(name);
    auto* t = in->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
        t->mutable_shape()->add_dim()->set_dim_value(d);
}

void addOutput(onnx::GraphProto* g, const std::string& name)
{
    auto* out = g->add_output();
    out->set_name(name);
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
}

onnx::NodeProto* addNode(
    onnx::GraphProto* g, const std::string& op, const std::vector<std::string>& inputs, const std::string& output)
{
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + output);
    for (const auto& i : inputs)
        n->add_input(i);
    n->add_output(output);
    return n;
}

void addInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& values)
{
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values)
        a->add_ints(v);
}

// A float initializer. With `data` empty only the dims are declared (no payload): what a hostile file does
// to make a reader allocate from the header alone.
onnx::TensorProto* addInitializer(
    onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& data)
{
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
        t->add_dims(d);
    if (!data.empty())
        t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
    return t;
}

std::string bytesOf(const onnx::ModelProto& m)
{
    std::string bytes;
    m.SerializeToString(&bytes);
    return bytes;
}

// x[1, n] -> MatMul with W[n, n] -> y: the smallest model that reads an initializer.
onnx::ModelProto denseModel(int64_t n, const std::vector<int64_t>& weightDims, bool withData)
{
    onnx::ModelProto m = emptyModel();
    auto* g = m.mutable_graph();
    addInput(g, "x", { 1, n });
    addInitializer(g, "W", weightDims, withData ? std::vector<float>(size_t(n * n), 0.5f) : std::vector<float> {});
    addNode(g, "MatMul", { "x", "W" }, "y");
    addOutput(g, "y");
    return m;
}

// x[1, 1, 8, 8] -> Conv with a 1x1xKxK kernel and the given attributes -> y.
std::string convModel(int64_t kernel, const std::vector<std::pair<std::string, std::vector<int64_t>>>& attrs)
{
    onnx::ModelProto m = emptyModel();
    auto* g = m.mutable_graph();
    addInput(g, "x", { 1, 1, 8, 8 });
    addInitializer(g, "K", { 1, 1, kernel, kernel }, std::vector<float>(size_t(kernel * kernel), 1.0f));
    auto* conv = addNode(g, "Conv", { "x", "K" }, "y");
    for (const auto& [name, values] : attrs)
        addInts(conv, name, values);
    addOutput(g, "y");
    return bytesOf(m);
}

// A chain x -> Relu -> ... -> Relu -> y of `count` nodes.
std::string reluChain(int count)
{
    onnx::ModelProto m = emptyModel();
    auto* g = m.mutable_graph();
    addInput(g, "x", { 1, 4 });
    std::string prev = "x";
    for (int i = 0; i < count; ++i) {
        const std::string out = i + 1 == count ? "y" : "t" + std::to_string(i);
        addNode(g, "Relu", { prev }, out);
        prev = out;
    }
    addOutput(g, "y");
    return bytesOf(m);
}

void appendVarint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out += char(uint8_t(v) | 0x80);
        v >>= 7;
    }
    out += char(v);
}

size_t varintSize(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

// ModelProto bytes with `depth` levels of graph -> node -> attribute -> graph -> ... nesting, written directly
// (building it with the protobuf classes would itself recurse that deep). Field numbers from onnx.proto:
// ModelProto.graph = 7, GraphProto.node = 1, NodeProto.attribute = 5, AttributeProto.g = 6; every one is a
// length-delimited field (wire type 2), so each level is a one-byte tag and the varint length of the rest.
std::string nestedModelBytes(int depth)
{
    static constexpr uint8_t kTags[] = { (1 << 3) | 2, (5 << 3) | 2, (6 << 3) | 2 }; // node, attribute, g
    const int levels = 1 + 3 * depth; // the model's graph field, then node/attribute/g per level
    auto tagAt = [](int level) { return level == 0 ? uint8_t((7 << 3) | 2) : kTags[(level - 1) % 3]; };
    std::vector<uint64_t> payload(size_t(levels) + 1, 0); // payload[l]: bytes inside level l
    for (int l = levels - 1; l >= 0; --l)
        payload[size_t(l)] = 1 + varintSize(payload[size_t(l) + 1]) + payload[size_t(l) + 1];
    std::string out;
    out.reserve(size_t(payload[0]));
    for (int l = 0; l < levels; ++l) {
        out += char(tagAt(l));
        appendVarint(out, payload[size_t(l) + 1]);
    }
    return out;
}

void expectError(const Outcome& o, const char* fragment)
{
    QVERIFY2(!o.crashed, ("the import crashed: " + o.describe()).c_str());
    QVERIFY2(o.threwError, ("expected a luthier::Error, got: " + o.describe()).c_str());
    QVERIFY2(o.message.find(fragment) != std::string::npos,
        ("the message should mention \"" + std::string(fragment) + "\": " + o.message).c_str());
}

Outcome import(const std::string& bytes, const importer::ImportLimits& limits = {})
{
    return luthier::testing::runIsolated([&] { importer::importModelFromBytes(bytes, "hostile.onnx", limits); });
}

constexpr long kMiB = 1024;

} // namespace

class LimitsImportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtModelsImport()
    {
        // The hand-built models are valid ONNX, so the failures below come from the limit under test.
        const Outcome dense = import(bytesOf(denseModel(8, { 8, 8 }, true)));
        QVERIFY2(dense.imported(), dense.describe().c_str());
        const Outcome conv = import(convModel(3, {}));
        QVERIFY2(conv.imported(), conv.describe().c_str());
        const Outcome chain = import(reluChain(10));
        QVERIFY2(chain.imported(), chain.describe().c_str());
    }

    void declaredTensorOverDefaultBudget()
    {
        // 2^16 x 2^16 = 2^32 declared elements (32 GiB as doubles) with no payload: refused from the dims,
        // before anything is allocated, by the default budget of 2^28 elements.
        const Outcome o = import(bytesOf(denseModel(65536, { 65536, 65536 }, false)));
        expectError(o, "limit of 268435456 elements");
        QVERIFY2(o.message.find("'W'") != std::string::npos, o.message.c_str()); // names the initializer
        QVERIFY2(o.rssGrowthKb < 64 * kMiB, o.describe().c_str());
    }

    void tensorBudgetIsConfigurable()
    {
        // W is 64 x 64 = 4096 elements: one element over a budget of 4095 fails, a budget of 4096 passes.
        const std::string bytes = bytesOf(denseModel(64, { 64, 64 }, true));
        importer::ImportLimits tight;
        tight.maxTensorElements = 4095;
        expectError(import(bytes, tight), "limit of 4095 elements");
        importer::ImportLimits exact;
        exact.maxTensorElements = 4096;
        const Outcome o = import(bytes, exact);
        QVERIFY2(o.imported(), o.describe().c_str());
    }

    void absurdTensorDimensions_data()
    {
        QTest::addColumn<std::vector<int64_t>>("dims");
        QTest::addColumn<QString>("fragment");
        constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
        QTest::newRow("int64 max") << std::vector<int64_t> { kMax, 2 } << "limit";
        QTest::newRow("product overflows int64")
            << std::vector<int64_t> { int64_t(1) << 32, int64_t(1) << 32 } << "limit";
        QTest::newRow("negative") << std::vector<int64_t> { -5, 2 } << "negative dimension";
        QTest::newRow("int64 min") << std::vector<int64_t> { std::numeric_limits<int64_t>::min(), 1 }
                                   << "negative dimension";
    }

    void absurdTensorDimensions()
    {
        QFETCH(std::vector<int64_t>, dims);
        QFETCH(QString, fragment);
        const Outcome o = import(bytesOf(denseModel(4, dims, false)));
        expectError(o, fragment.toStdString().c_str());
        QVERIFY2(o.rssGrowthKb < 64 * kMiB, o.describe().c_str());
    }

    void absurdInputDimensions_data()
    {
        QTest::addColumn<std::vector<int64_t>>("dims");
        QTest::newRow("2^40 per sample") << std::vector<int64_t> { 1, int64_t(1) << 40 };
        // 2^32 * 2^32 wraps to 0 in int64 arithmetic: a wrapped count would pass any budget.
        QTest::newRow("product wraps to zero") << std::vector<int64_t> { 1, int64_t(1) << 32, int64_t(1) << 32 };
        QTest::newRow("product wraps negative")
            << std::vector<int64_t> { 1, int64_t(3) << 31, int64_t(3) << 31, int64_t(3) << 31 };
    }

    void absurdInputDimensions()
    {
        // The graph input's declared shape is the per-sample activation size of the first layer.
        QFETCH(std::vector<int64_t>, dims);
        onnx::ModelProto m = emptyModel();
        auto* g = m.mutable_graph();
        addInput(g, "x", dims);
        addNode(g, "Relu", { "x" }, "y");
        addOutput(g, "y");
        const Outcome o = import(bytesOf(m));
        expectError(o, "limit");
        QVERIFY2(o.rssGrowthKb < 64 * kMiB, o.describe().c_str());
    }

    void absurdConvAttributes_data()
    {
        // Each attribute value is out of its meaningful range for a 3x3 kernel on an 8x8 input; the import must
        // name the problem, not divide by zero or overflow the output-size arithmetic (ONNX requires strides and
        // dilations >= 1; a dilation of 2^62 makes the kernel span overflow int64).
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<std::vector<int64_t>>("values");
        constexpr int64_t kHuge = int64_t(1) << 62;
        QTest::newRow("stride 0") << "strides" << std::vector<int64_t> { 0, 0 };
        QTest::newRow("negative stride") << "strides" << std::vector<int64_t> { -1, 1 };
        QTest::newRow("dilation 0") << "dilations" << std::vector<int64_t> { 0, 1 };
        QTest::newRow("huge dilation") << "dilations" << std::vector<int64_t> { kHuge, kHuge };
        QTest::newRow("huge pads") << "pads" << std::vector<int64_t> { kHuge, kHuge, kHuge, kHuge };
        QTest::newRow("negative pads") << "pads" << std::vector<int64_t> { -kHuge, 0, -kHuge, 0 };
    }

    void absurdConvAttributes()
    {
        QFETCH(QString, attribute);
        QFETCH(std::vector<int64_t>, values);
        const Outcome o = import(convModel(3, { { attribute.toStdString(), values } }));
        QVERIFY2(!o.crashed, o.describe().c_str());
        QVERIFY2(o.threwError, o.describe().c_str());
        QVERIFY2(o.rssGrowthKb < 64 * kMiB, o.describe().c_str());
    }

    void protobufNestingBeyondRecursionLimit()
    {
        // 50000 nested sub-graphs (150000 nested messages) in about 600 KB: the parser stops at its recursion
        // limit (64) instead of recursing 150000 frames deep.
        const std::string bytes = nestedModelBytes(50000);
        QVERIFY(bytes.size() < 1024 * 1024);
        const Outcome o = import(bytes);
        expectError(o, "protobuf parsing failed");
        QVERIFY2(o.rssGrowthKb < 64 * kMiB, o.describe().c_str());
    }

    void nestingWithinRecursionLimitParses()
    {
        // 20 levels (60 nested messages) is within protobuf's limit: parsing succeeds and the import stops
        // at the model itself (no input), so the recursion limit does not reject ordinary sub-graphs.
        const Outcome o = import(nestedModelBytes(20));
        expectError(o, "no input");
    }

    void nodeCountOverDefaultLimit()
    {
        const Outcome o = import(reluChain(100001));
        expectError(o, "100001 nodes, more than the limit of 100000");
    }

    void nodeCountLimitIsConfigurable()
    {
        importer::ImportLimits limits;
        limits.maxNodes = 10;
        expectError(import(reluChain(11), limits), "more than the limit of 10");
        const Outcome o = import(reluChain(10), limits);
        QVERIFY2(o.imported(), o.describe().c_str());
    }

    void cyclicGraph()
    {
        // x -> a = Add(x, b); b = Relu(a): b feeds a, which feeds b.
        onnx::ModelProto m = emptyModel();
        auto* g = m.mutable_graph();
        addInput(g, "x", { 1, 4 });
        addNode(g, "Add", { "x", "b" }, "a");
        addNode(g, "Relu", { "a" }, "b");
        addOutput(g, "b");
        expectError(import(bytesOf(m)), "cycle");
    }

    void selfLoop()
    {
        onnx::ModelProto m = emptyModel();
        auto* g = m.mutable_graph();
        addInput(g, "x", { 1, 4 });
        addNode(g, "Relu", { "x" }, "a");
        addNode(g, "Add", { "a", "s" }, "s");
        addOutput(g, "s");
        expectError(import(bytesOf(m)), "cycle");
    }

    void foldedConstantOverBudgetIsNotAllocated()
    {
        // Two 16 KB initializers A[4096, 1] and B[1, 4096] broadcast to a 4096 x 4096 constant (16.7M
        // elements, 128 MiB as doubles). With a budget of 2^20 elements the fold must be refused from the
        // shapes, before the 128 MiB are allocated.
        onnx::ModelProto m = emptyModel();
        auto* g = m.mutable_graph();
        addInput(g, "x", { 1, 4 });
        addInitializer(g, "A", { 4096, 1 }, std::vector<float>(4096, 1.0f));
        addInitializer(g, "B", { 1, 4096 }, std::vector<float>(4096, 2.0f));
        addNode(g, "Add", { "A", "B" }, "C");
        addNode(g, "Add", { "x", "C" }, "y");
        addOutput(g, "y");
        importer::ImportLimits limits;
        limits.maxTensorElements = int64_t(1) << 20;
        const Outcome o = import(bytesOf(m), limits);
        expectError(o, "limit of 1048576 elements");
        QVERIFY2(o.rssGrowthKb < 64 * kMiB, o.describe().c_str());
    }
};

QTEST_GUILESS_MAIN(LimitsImportTest)
#include "test_limits_import.moc"
