// The emitted RTL of small hand-built integer networks, simulated with Verilator against expectations
// computed here from the IntGraph contract (acc = sum w (q - z); q_out = minInt + #{levels <= dir * acc}),
// independently of the compiler. Covers signed, unsigned and bipolar codes, zero points, both threshold
// directions, several output blocks, a build folder with a space in its path, determinism, and a mutation
// (one flipped LUT INIT bit) that verification must catch and name.

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

quant::IntFormat format(int bits, bool isSigned, bool bipolar = false)
{
    quant::IntFormat f;
    f.bits = bits;
    f.isSigned = isSigned;
    f.bipolar = bipolar;
    f.minInt = bipolar ? -1 : isSigned ? -(int64_t(1) << (bits - 1)) : 0;
    f.maxInt = bipolar ? 1 : isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
    return f;
}

quant::IntLayer dense(int input, int64_t in, int64_t out, int weightBits, int64_t padValue, std::mt19937_64& rng)
{
    quant::IntLayer l;
    l.kind = ir::LayerKind::Dense;
    l.inputs = { input };
    l.outShape = { out };
    l.weightShape = { out, in };
    l.weightBits = weightBits;
    l.padValue = padValue;
    const int64_t lo = -(int64_t(1) << (weightBits - 1)), hi = -lo - 1;
    for (int64_t i = 0; i < in * out; ++i)
        l.weights.push_back(int32_t(lo + int64_t(rng() % uint64_t(hi - lo + 1))));
    return l;
}

// Thresholds spread over a plausible accumulator range; every other channel decreasing.
quant::Thresholds thresholds(int64_t channels, const quant::IntFormat& out, int64_t spread, std::mt19937_64& rng)
{
    quant::Thresholds t;
    t.out = out;
    const int64_t levels = out.bipolar ? 1 : out.maxInt - out.minInt;
    for (int64_t c = 0; c < channels; ++c) {
        t.direction.push_back(c % 2 ? -1 : 1);
        std::vector<int64_t> l;
        for (int64_t k = 0; k < levels; ++k)
            l.push_back(int64_t(rng() % uint64_t(2 * spread + 1)) - spread);
        std::sort(l.begin(), l.end());
        t.levels.push_back(l);
    }
    return t;
}

// The reference: what the IntGraph contract says each layer computes.
std::vector<int64_t> evaluate(const quant::IntGraph& g, std::vector<int64_t> q)
{
    for (size_t i = 1; i < g.layers.size(); ++i) {
        const auto& l = g.layers[i];
        const int64_t in = l.weightShape[1], out = l.weightShape[0];
        std::vector<int64_t> next(static_cast<size_t>(out));
        for (int64_t o = 0; o < out; ++o) {
            int64_t acc = 0;
            for (int64_t x = 0; x < in; ++x)
                acc += int64_t(l.weights[size_t(o * in + x)]) * (q[size_t(x)] - l.padValue);
            if (l.requant) {
                const int64_t v = l.requant->direction[size_t(o)] < 0 ? -acc : acc;
                int64_t count = 0;
                for (int64_t level : l.requant->levels[size_t(o)])
                    count += v >= level;
                next[size_t(o)] = l.requant->out.bipolar ? (count ? 1 : -1) : l.requant->out.minInt + count;
            } else {
                next[size_t(o)] = acc;
            }
        }
        q = next;
    }
    return q;
}

rtl::TestVectors vectorsFor(const quant::IntGraph& g, int64_t count, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    rtl::TestVectors v;
    const auto& f = g.inputFormat;
    v.inputCount = g.layers[0].outShape[0];
    for (int64_t s = 0; s < count; ++s) {
        std::vector<int64_t> q;
        for (int64_t i = 0; i < v.inputCount; ++i) {
            int64_t value = f.minInt + int64_t(rng() % uint64_t(f.maxInt - f.minInt + 1));
            if (f.bipolar) value = value > 0 ? 1 : -1;
            q.push_back(value);
            v.inputs.push_back(f.codeOf(value));
        }
        const auto out = evaluate(g, q);
        v.outputCount = int64_t(out.size());
        v.expected.insert(v.expected.end(), out.begin(), out.end());
    }
    return v;
}

// Signed 3-bit inputs with zero point -1 -> 13 x 2-bit unsigned (P = 4: four blocks) -> 3 raw outputs.
quant::IntGraph signedGraph()
{
    std::mt19937_64 rng(3);
    quant::IntGraph g;
    g.inputFormat = format(3, true);
    quant::IntLayer input;
    input.kind = ir::LayerKind::Input;
    input.outShape = { 7 };
    g.layers.push_back(input);
    auto l1 = dense(0, 7, 13, 3, -1, rng);
    l1.requant = thresholds(13, format(2, false), 12, rng);
    g.layers.push_back(l1);
    g.layers.push_back(dense(1, 13, 3, 4, 1, rng));
    g.outputs = { 2 };
    return g;
}

// Bipolar inputs -> 6 bipolar outputs -> 2 raw outputs (TFC_1W1A style).
quant::IntGraph bipolarGraph()
{
    std::mt19937_64 rng(9);
    quant::IntGraph g;
    g.inputFormat = format(1, true, true);
    quant::IntLayer input;
    input.kind = ir::LayerKind::Input;
    input.outShape = { 10 };
    g.layers.push_back(input);
    auto l1 = dense(0, 10, 6, 2, 0, rng);
    l1.requant = thresholds(6, format(1, true, true), 3, rng);
    g.layers.push_back(l1);
    g.layers.push_back(dense(1, 6, 2, 2, 0, rng));
    g.outputs = { 2 };
    return g;
}

std::filesystem::path compile(const quant::IntGraph& g, const std::filesystem::path& dir, int parallel)
{
    arch::MapOptions options;
    options.tlmac.parallelOutputs = parallel;
    const arch::HwDesign design = arch::mapDesign(g, options);
    rtl::writeFiles(dir, rtl::emitDesign(design));
    rtl::writeVectors(dir / rtl::kVectorsFile, vectorsFor(g, 300, 17));
    return dir;
}

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

class TestRtlDense : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        QVERIFY(m_tmp.isValid());
    }

    void signedMultiBlockPasses()
    {
        const auto dir = compile(signedGraph(), std::filesystem::path(m_tmp.path().toStdString()) / "signed design", 4);
        const auto report = verify::verifyDesign(dir, {});
        QCOMPARE(report.vectors, int64_t(300));
        QCOMPARE(report.failed, int64_t(0));
        QVERIFY(report.ok());
        QVERIFY(report.cycles > 0);
    }

    void bipolarPasses()
    {
        const auto dir = compile(bipolarGraph(), std::filesystem::path(m_tmp.path().toStdString()) / "bipolar", 64);
        const auto report = verify::verifyDesign(dir, {});
        QCOMPARE(report.failed, int64_t(0));
        QVERIFY(report.ok());
    }

    void deterministicFiles()
    {
        const auto g = signedGraph();
        arch::MapOptions options;
        options.tlmac.parallelOutputs = 4;
        const auto a = rtl::emitDesign(arch::mapDesign(g, options));
        const auto b = rtl::emitDesign(arch::mapDesign(g, options));
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].name, b[i].name);
            QVERIFY(a[i].contents == b[i].contents);
        }
    }

    void flippedInitBitIsCaught()
    {
        const auto g = signedGraph();
        const auto dir = compile(g, std::filesystem::path(m_tmp.path().toStdString()) / "mutant", 4);
        arch::MapOptions options;
        options.tlmac.parallelOutputs = 4;
        const arch::HwDesign design = arch::mapDesign(g, options);
        // Flip bit 0 of the entry {cluster c, activation bits 011} of an array that stores a group in the final
        // (raw) layer: its lanes' accumulators, and so the outputs, change whenever that entry is read.
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
        const std::string key = "6'd" + std::to_string((cluster << 3) | 3) + ": table_" + std::to_string(array) + " = ";
        const size_t at = text.find(key);
        QVERIFY(at != std::string::npos);
        const size_t end = text.find(';', at);
        text[end - 1] = text[end - 1] == '0' ? '1' : '0';
        std::ofstream(file, std::ios::binary | std::ios::trunc) << text;

        const auto report = verify::verifyDesign(dir, {});
        QVERIFY(!report.ok());
        QVERIFY(report.failed > 0);
        QVERIFY(!report.mismatches.empty());
        const auto& m = report.mismatches.front();
        QVERIFY(m.sample >= 0 && m.sample < 300);
        QVERIFY(m.output >= 0 && m.output < 3);
        QVERIFY(m.expected != m.got);
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestRtlDense)
#include "test_rtl_dense.moc"
