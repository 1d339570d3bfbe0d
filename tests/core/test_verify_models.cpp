// The shared JSC and MNIST models compiled end to end (import, integer lowering, TLMAC planning, Verilog)
// and verified bit-exactly in Verilator against the golden model on all their reference inputs. JSC's 1,000
// vectors get a harness whose per-clock code is compiled at -O1 (faster to build), TFC's 2,000 at -O2.

#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>

using namespace luthier;

namespace {

verify::VerifyReport compileAndVerify(
    const std::string& model, const std::string& inputs, const std::filesystem::path& dir, int64_t expectedVectors)
{
    const ir::Graph graph = importer::importModel(model);
    const quant::IntGraph ints = quant::lowerToInteger(graph);
    const arch::HwDesign design = arch::mapDesign(ints, {});
    rtl::writeFiles(dir, rtl::emitDesign(design));
    const sim::Dataset data = sim::loadInputs(inputs, graph.inputShape);
    const rtl::TestVectors vectors = rtl::goldenVectors(ints, design, data);
    if (vectors.count() != expectedVectors)
        throw Error("expected " + std::to_string(expectedVectors) + " vectors, got " + std::to_string(vectors.count()));
    rtl::writeVectors(dir / rtl::kVectorsFile, vectors);
    return verify::verifyDesign(dir, {});
}

// The optimisation level g++ compiled the design's per-clock code with, from the harness build log (the
// compile line of the model's evaluation, DepSet files without __Slow).
QString harnessOptimisation(const std::filesystem::path& dir)
{
    QFile log(QString::fromStdString((dir / "verilator" / "build.log").string()));
    if (!log.open(QIODevice::ReadOnly)) return QStringLiteral("no build.log");
    QStringList levels;
    for (const QString& line : QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'))) {
        if (!line.contains(QStringLiteral("DepSet")) || line.contains(QStringLiteral("__Slow"))
            || !line.contains(QStringLiteral(" -c ")))
            continue;
        for (const char* level : { " -O0 ", " -O1 ", " -O2 ", " -Os " })
            if (line.contains(QLatin1String(level)) && !levels.contains(QString::fromLatin1(level).trimmed()))
                levels << QString::fromLatin1(level).trimmed();
    }
    return levels.size() == 1 ? levels.front() : QStringLiteral("mixed: ") + levels.join(QLatin1Char(' '));
}

} // namespace

class TestVerifyModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        QVERIFY(m_tmp.isValid());
    }

    void jetTaggingIsBitExact()
    {
        const std::string shared = LUTHIER_SHARED_DIR;
        const auto r = compileAndVerify(shared + "/models/qkeras_jettagging.onnx",
            shared + "/models/reference/qkeras_jettagging.input.npy",
            std::filesystem::path(m_tmp.path().toStdString()) / "jsc", 1000);
        QCOMPARE(r.vectors, int64_t(1000));
        QCOMPARE(r.failed, int64_t(0));
        QCOMPARE(r.passed, int64_t(1000));
        QCOMPARE(harnessOptimisation(std::filesystem::path(m_tmp.path().toStdString()) / "jsc"), QStringLiteral("-O1"));
    }

    void tfc2w2aIsBitExact()
    {
        const std::string shared = LUTHIER_SHARED_DIR;
        const auto r = compileAndVerify(shared + "/models/TFC_2W2A.onnx", shared + "/data/mnist_x_2k.npy",
            std::filesystem::path(m_tmp.path().toStdString()) / "tfc", 2000);
        QCOMPARE(r.vectors, int64_t(2000));
        QCOMPARE(r.failed, int64_t(0));
        QCOMPARE(r.passed, int64_t(2000));
        QCOMPARE(harnessOptimisation(std::filesystem::path(m_tmp.path().toStdString()) / "tfc"), QStringLiteral("-O2"));
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestVerifyModels)
#include "test_verify_models.moc"
