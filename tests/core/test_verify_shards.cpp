// verify split across harness processes (-j N): a small TLMAC layer whose ports are wider than 64 bits with
// fields across 32-bit word boundaries (30 signed 3-bit inputs, 7 raw outputs), expected outputs computed here
// from its weights. As emitted it passes in three shards; with one flipped table bit two shards must report
// exactly what one does: the same failing vectors and the same first mismatches.

#include "arch/hw_design.h"
#include "quant/int_graph.h"
#include "rtl/test_vectors.h"
#include "rtl/verilog_emitter.h"
#include "verify/process.h"
#include "verify/verilator_run.h"

#include <QtTest/QtTest>
#include <fstream>
#include <random>
#include <sstream>

using namespace luthier;

namespace {

constexpr int64_t kInputs = 30, kOutputs = 7, kVectors = 400;

// 3-bit signed inputs (-4..3) -> kOutputs raw accumulators of 3-bit weights.
quant::IntGraph rawLayer()
{
    std::mt19937_64 rng(11);
    quant::IntGraph g;
    g.inputFormat.bits = 3;
    g.inputFormat.isSigned = true;
    g.inputFormat.minInt = -4;
    g.inputFormat.maxInt = 3;
    quant::IntLayer input;
    input.kind = ir::LayerKind::Input;
    input.outShape = { kInputs };
    g.layers.push_back(input);
    quant::IntLayer l;
    l.kind = ir::LayerKind::Dense;
    l.inputs = { 0 };
    l.outShape = { kOutputs };
    l.weightShape = { kOutputs, kInputs };
    l.weightBits = 3;
    for (int64_t i = 0; i < kInputs * kOutputs; ++i)
        l.weights.push_back(int32_t(int64_t(rng() % 8) - 4));
    g.layers.push_back(l);
    g.outputs = { 1 };
    return g;
}

// acc_o = sum_x w[o][x] q[x], worked out from the weights, not by the compiler.
rtl::TestVectors vectorsFor(const quant::IntGraph& g)
{
    std::mt19937_64 rng(5);
    const auto& layer = g.layers[1];
    rtl::TestVectors v;
    v.inputCount = kInputs;
    v.outputCount = kOutputs;
    for (int64_t s = 0; s < kVectors; ++s) {
        std::vector<int64_t> q;
        for (int64_t i = 0; i < kInputs; ++i) {
            q.push_back(int64_t(rng() % 8) - 4);
            v.inputs.push_back(g.inputFormat.codeOf(q.back()));
        }
        for (int64_t o = 0; o < kOutputs; ++o) {
            int64_t acc = 0;
            for (int64_t x = 0; x < kInputs; ++x)
                acc += int64_t(layer.weights[size_t(o * kInputs + x)]) * q[size_t(x)];
            v.expected.push_back(acc);
        }
    }
    return v;
}

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

class TestVerifyShards : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        QVERIFY(m_tmp.isValid());
    }

    void twoShardsFindTheSameMismatchesAsOne()
    {
        const quant::IntGraph g = rawLayer();
        const arch::HwDesign design = arch::mapDesign(g, {});
        const auto dir = std::filesystem::path(m_tmp.path().toStdString()) / "mutant";
        rtl::writeFiles(dir, rtl::emitDesign(design));
        rtl::writeVectors(dir / rtl::kVectorsFile, vectorsFor(g));

        // The design as emitted passes in three shards (ranges of 133, 133 and 134 vectors).
        verify::VerifyOptions options;
        options.maxMismatches = 5;
        options.shards = 3;
        const verify::VerifyReport clean = verify::verifyDesign(dir, options);
        QCOMPARE(clean.vectors, kVectors);
        QCOMPARE(clean.passed, kVectors);
        QVERIFY(clean.ok());
        QCOMPARE(int64_t(clean.vectorPassed.size()), kVectors);
        QVERIFY(clean.simulationCpuSeconds > 0);
        QVERIFY(clean.buildPeakRssBytes > 0);

        // Cancelled once the shards start: verify stops them all and throws Cancelled, not a report.
        struct CancelAtSimulation : Progress {
            void report(double, std::string_view message) override
            {
                if (message == "simulating") cancel();
            }
        } cancelling;
        bool cancelled = false;
        try {
            verify::verifyDesign(dir, options, &cancelling);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);

        // Flip bit 0 of the entry {cluster c, activation bits 011} of an array that stores a group: the outputs
        // of the lanes reading it change whenever that entry is read.
        const auto& layer = design.layers.back();
        const auto& plan = layer.tlmac->plan;
        int array = -1, cluster = -1;
        for (int a = 0; a < plan.arrays && array < 0; ++a)
            for (int c = 0; c < plan.clusters && array < 0; ++c)
                if (plan.groupAt[size_t(a * plan.clusters + c)] >= 0 && plan.tableValue(a, c, 3u) != 0)
                    array = a, cluster = c;
        QVERIFY(array >= 0);
        const auto file = dir / (layer.module + ".v");
        std::string text = readText(file);
        const std::string key = std::to_string(plan.clusterBits + plan.groupSize) + "'d"
            + std::to_string((cluster << plan.groupSize) | 3) + ": table_" + std::to_string(array) + " = ";
        const size_t at = text.find(key);
        QVERIFY2(at != std::string::npos, key.c_str());
        const size_t end = text.find(';', at);
        text[end - 1] = text[end - 1] == '0' ? '1' : '0';
        std::ofstream(file, std::ios::binary | std::ios::trunc) << text;

        options.shards = 1;
        const verify::VerifyReport one = verify::verifyDesign(dir, options);
        options.shards = 2;
        const verify::VerifyReport two = verify::verifyDesign(dir, options);

        QCOMPARE(one.vectors, kVectors);
        QVERIFY(one.failed > 0);
        QVERIFY(one.passed > 0);
        // Both halves have failing vectors, so the second shard's findings are part of the comparison.
        const auto& flags = one.vectorPassed;
        QCOMPARE(int64_t(flags.size()), kVectors);
        QVERIFY(std::count(flags.begin(), flags.begin() + kVectors / 2, uint8_t(0)) > 0);
        QVERIFY(std::count(flags.begin() + kVectors / 2, flags.end(), uint8_t(0)) > 0);

        QCOMPARE(two.vectors, one.vectors);
        QCOMPARE(two.failed, one.failed);
        QCOMPARE(two.passed, one.passed);
        QVERIFY(two.vectorPassed == one.vectorPassed);
        QCOMPARE(two.mismatches.size(), size_t(5));
        QCOMPARE(one.mismatches.size(), size_t(5));
        for (size_t i = 0; i < one.mismatches.size(); ++i) {
            QCOMPARE(two.mismatches[i].sample, one.mismatches[i].sample);
            QCOMPARE(two.mismatches[i].output, one.mismatches[i].output);
            QCOMPARE(two.mismatches[i].expected, one.mismatches[i].expected);
            QCOMPARE(two.mismatches[i].got, one.mismatches[i].got);
        }
        // The flag of the first mismatch's vector says it failed, and no earlier vector did.
        const int64_t first = one.mismatches.front().sample;
        QCOMPARE(int(flags[size_t(first)]), 0);
        QCOMPARE(std::count(flags.begin(), flags.begin() + first, uint8_t(0)), std::ptrdiff_t(0));
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestVerifyShards)
#include "test_verify_shards.moc"
