// The adder-graph template end to end: JSC and TFC_2W2A with their last two layers on adder-graph (the earlier
// layers on the DSP template, which Verilator builds quickly: a whole-model adder graph is a harness of minutes,
// checked by `luthier-cli verify` in docs/templates.md), verified bit-exactly in Verilator against the integer
// golden model on the first inputs of their datasets. JSC runs with the default registers every 2 adder levels;
// TFC with a depth bound and registers every 3 levels, so values cross several stages through delay registers.

#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>
#include <cmath>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

struct Result {
    arch::HwDesign design;
    verify::VerifyReport verified;
};

Result compileAndVerify(const std::string& model, const std::string& inputs, int64_t vectors,
    const arch::MapOptions& options, const std::filesystem::path& dir)
{
    const ir::Graph graph = importer::importModel(model);
    const quant::IntGraph ints = quant::lowerToInteger(graph);
    Result r { arch::mapDesign(ints, options), {} };
    rtl::writeFiles(dir, rtl::emitDesign(r.design));
    sim::Dataset data = sim::loadInputs(inputs, graph.inputShape);
    data.count = std::min(data.count, vectors);
    data.data.resize(size_t(data.count * data.sampleSize()));
    rtl::writeVectors(dir / rtl::kVectorsFile, rtl::goldenVectors(ints, r.design, data));
    r.verified = verify::verifyDesign(dir, {});
    return r;
}

} // namespace

class TestAdderGraphRtl : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void jscIsBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        arch::MapOptions o;
        o.defaultTemplate = ir::TemplateKind::Dsp;
        o.layerTemplates
            = { { "MatMul_2", ir::TemplateKind::AdderGraph }, { "MatMul_3", ir::TemplateKind::AdderGraph } };
        const Result r = compileAndVerify(kShared + "/models/qkeras_jettagging.onnx",
            kShared + "/models/reference/qkeras_jettagging.input.npy", 200, o,
            std::filesystem::path(m_tmp.path().toStdString()) / "jsc");
        for (size_t k : { size_t(2), size_t(3) }) {
            const arch::HwLayer& layer = r.design.layers[k];
            QVERIFY(layer.kind == ir::TemplateKind::AdderGraph);
            QCOMPARE(layer.interval, int64_t(1));
            QCOMPARE(layer.estimate.dsp, int64_t(0));
            QVERIFY(layer.cycles > 1); // registers every 2 adder levels
        }
        QCOMPARE(r.verified.vectors, int64_t(200));
        QCOMPARE(r.verified.failed, int64_t(0));
    }

    void tfcWithDepthBoundIsBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        arch::MapOptions o;
        o.defaultTemplate = ir::TemplateKind::Dsp;
        o.layerTemplates
            = { { "MatMul_44", ir::TemplateKind::AdderGraph }, { "MatMul_56", ir::TemplateKind::AdderGraph } };
        o.pipelineEvery = 3;
        o.adderDepth = 8;
        const Result r = compileAndVerify(kShared + "/models/TFC_2W2A.onnx", kShared + "/data/mnist_x_2k.npy", 200, o,
            std::filesystem::path(m_tmp.path().toStdString()) / "tfc");
        QVERIFY(r.design.layers[2].kind == ir::TemplateKind::AdderGraph);
        QVERIFY(r.design.layers[3].kind == ir::TemplateKind::AdderGraph);
        QCOMPARE(r.verified.vectors, int64_t(200));
        QCOMPARE(r.verified.failed, int64_t(0));
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestAdderGraphRtl)
#include "test_adder_graph_rtl.moc"
