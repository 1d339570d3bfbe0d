// Every template's RTL on the shared models, verified bit-exactly in Verilator against the integer golden
// model (the golden model itself is checked against ONNX Runtime in the sim tests; nothing here compares the
// compiler with its own output). To keep CI time down, the templates are exercised in mixed designs, one
// Verilator build per model:
//   JSC (1000 reference inputs):   LUT-NA (16-bit inputs, 3 chunks) / unrolled / LUT-Dense / DSP + argmax
//   TFC_2W2A (2000 MNIST digits):  shift-add (its 2-bit weights are 0 or +-2^e) / LUT-Dense / LUT-NA (k = 1) /
//                                  unrolled + argmax
//   JSC with the 4-bit power-of-two override: shift-add on every layer, 16 lanes (several output blocks)
//   TFC_2W2A with learned LUT-Dense tables (docs/learned-tables.md) on its last two layers, DSP before them
//   JSC on LUT-Dense throughout after lowering its float input to 8-bit codes (--input-bits 8)
// plus the refusals (shift-add on non-power-of-two weights, LUT-Dense on 16-bit codes) and Yosys on the JSC
// output layer for every template: DSP48 cells exactly for the DSP template, none elsewhere.

#include "arch/hw_design.h"
#include "edited_tables.h"
#include "error_of.h"
#include "onnx/importer.h"
#include "quant/exact_product_tables.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "util/error.h"
#include "verify/process.h"
#include "verify/verilator_run.h"
#include "verify/yosys_run.h"

#include <QtTest/QtTest>
#include <algorithm>
#include <cmath>
#include <string>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;
const std::string kJsc = kShared + "/models/qkeras_jettagging.onnx";
const std::string kJscInputs = kShared + "/models/reference/qkeras_jettagging.input.npy";
const std::string kTfc = kShared + "/models/TFC_2W2A.onnx";
const std::string kTfcInputs = kShared + "/data/mnist_x_2k.npy";

struct Compiled {
    arch::HwDesign design;
    rtl::TestVectors vectors;
};

Compiled compile(const std::string& model, const std::string& inputs, const arch::MapOptions& options,
    const std::filesystem::path& dir, const quant::Overrides& overrides = {}, const quant::LowerOptions& lower = {})
{
    const ir::Graph imported = importer::importModel(model);
    const ir::Graph graph = overrides.empty() ? imported : quant::applyOverrides(imported, overrides);
    const quant::IntGraph ints = quant::lowerToInteger(graph, lower);
    Compiled c { arch::mapDesign(ints, options), {} };
    rtl::writeFiles(dir, rtl::emitDesign(c.design));
    if (!inputs.empty()) {
        c.vectors = rtl::goldenVectors(ints, c.design, sim::loadInputs(inputs, graph.inputShape));
        rtl::writeVectors(dir / rtl::kVectorsFile, c.vectors);
    }
    return c;
}

// Why mapDesign refuses JSC (lowered as imported) on `kind` everywhere; "" when it maps.
std::string jscRefusal(ir::TemplateKind kind)
{
    arch::MapOptions o;
    o.defaultTemplate = kind;
    const ir::Graph graph = importer::importModel(kJsc); // the IntGraph points into it
    const quant::IntGraph ints = quant::lowerToInteger(graph);
    return test::errorOf([&] { arch::mapDesign(ints, o); });
}

arch::MapOptions mix(std::initializer_list<std::pair<const char*, ir::TemplateKind>> layers)
{
    arch::MapOptions o;
    for (const auto& [name, kind] : layers)
        o.layerTemplates[name] = kind;
    return o;
}

} // namespace

class TestRtlTemplates : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void jscMixWithArgmaxIsBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        using ir::TemplateKind;
        arch::MapOptions o = mix({ { "MatMul_0", ir::TemplateKind::LutNa }, { "MatMul_1", ir::TemplateKind::Unrolled },
            { "MatMul_2", ir::TemplateKind::LutDense }, { "MatMul_3", ir::TemplateKind::Dsp } });
        o.argmax = true;
        const auto dir = std::filesystem::path(m_tmp.path().toStdString()) / "jsc_mix";
        const Compiled c = compile(kJsc, kJscInputs, o, dir);
        QCOMPARE(c.design.layers.size(), size_t(5));
        QVERIFY(c.design.layers[0].kind == ir::TemplateKind::LutNa);
        QCOMPARE(
            c.design.layers[0].dense->chunkBits, 6); // cheapest k for 6-bit weights on LUT6: 16-bit codes in 3 chunks
        QVERIFY(c.design.layers[3].kind == ir::TemplateKind::Dsp);
        QVERIFY(c.design.layers[4].argmax);
        // One class index out: 5 classes need 3 bits.
        QCOMPARE(c.design.outputCount, int64_t(1));
        QCOMPARE(c.design.outputBits, int64_t(3));
        QCOMPARE(c.vectors.count(), int64_t(1000));
        const auto r = verify::verifyDesign(dir, {});
        QCOMPARE(r.vectors, int64_t(1000));
        QCOMPARE(r.failed, int64_t(0));
        // The folded DSP layer (32 inputs, one block) sets the interval: 32 steps + 5 cycles of pipeline/handshake.
        QCOMPARE(c.design.interval, int64_t(37));
        QVERIFY(std::abs(r.cyclesPerInference() - 37.0) < 0.5);
    }

    void tfcMixWithArgmaxIsBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        using ir::TemplateKind;
        arch::MapOptions o
            = mix({ { "MatMul_20", ir::TemplateKind::ShiftAdd }, { "MatMul_32", ir::TemplateKind::LutDense },
                { "MatMul_44", ir::TemplateKind::LutNa }, { "MatMul_56", ir::TemplateKind::Unrolled } });
        o.lutNaChunk = 1;
        o.argmax = true;
        const auto dir = std::filesystem::path(m_tmp.path().toStdString()) / "tfc_mix";
        const Compiled c = compile(kTfc, kTfcInputs, o, dir);
        QCOMPARE(c.design.layers[2].dense->chunkBits, 1);
        QCOMPARE(c.vectors.count(), int64_t(2000));
        const auto r = verify::verifyDesign(dir, {});
        QCOMPARE(r.vectors, int64_t(2000));
        QCOMPARE(r.failed, int64_t(0));
    }

    void tfcLearnedTablesAreBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        // Tables no weight matrix can express, on a layer whose output is requantised (MatMul_44: thresholds
        // recomputed on the tables' range) and on the output layer (accumulators compared directly).
        const ir::Graph imported = importer::importModel(kTfc);
        const quant::IntGraph base = quant::lowerToInteger(imported);
        quant::Overrides overrides;
        for (const char* name : { "MatMul_44", "MatMul_56" }) {
            int index = 0;
            while (imported.layers[size_t(index)].name != name)
                ++index;
            overrides[name].tables
                = std::make_shared<const ir::LearnedTables>(test::editedTables(quant::exactProductTables(base, index)));
        }
        arch::MapOptions o;
        o.defaultTemplate = ir::TemplateKind::Dsp; // cheap to build; the tables pick LUT-Dense themselves
        const auto dir = std::filesystem::path(m_tmp.path().toStdString()) / "tfc_learned";
        const Compiled c = compile(kTfc, kTfcInputs, o, dir, overrides);
        QCOMPARE(c.design.layers.size(), size_t(4));
        QVERIFY(c.design.layers[2].kind == ir::TemplateKind::LutDense && c.design.layers[2].dense->tables);
        QVERIFY(c.design.layers[3].kind == ir::TemplateKind::LutDense && c.design.layers[3].dense->tables);
        // The expected outputs are the tables', not the weights': most vectors' class scores differ.
        const rtl::TestVectors weights
            = rtl::goldenVectors(base, arch::mapDesign(base, o), sim::loadInputs(kTfcInputs, imported.inputShape));
        QCOMPARE(weights.count(), c.vectors.count());
        QCOMPARE(weights.outputCount, c.vectors.outputCount);
        int64_t differing = 0;
        for (int64_t v = 0; v < c.vectors.count(); ++v)
            differing += !std::equal(c.vectors.expected.begin() + v * c.vectors.outputCount,
                c.vectors.expected.begin() + (v + 1) * c.vectors.outputCount,
                weights.expected.begin() + v * weights.outputCount);
        QVERIFY2(differing > c.vectors.count() / 2, qPrintable(QString::number(differing)));
        const auto r = verify::verifyDesign(dir, {});
        QCOMPARE(r.vectors, int64_t(2000));
        QCOMPARE(r.failed, int64_t(0));
    }

    void jscShiftAddAfterPowerOfTwoOverrideIsBitExact()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        quant::Overrides pow2;
        pow2[quant::kAllLayers].weightScheme = ir::WeightScheme::PowerOfTwo;
        pow2[quant::kAllLayers].weightBits = 4; // n-BQ-NN levels 0, +-2^0 .. +-2^-6 (at most 5 bits)
        arch::MapOptions o;
        o.defaultTemplate = ir::TemplateKind::ShiftAdd;
        o.foldedLanes = 16; // 64 outputs in 4 blocks: exercises the per-block sum registers
        const auto dir = std::filesystem::path(m_tmp.path().toStdString()) / "jsc_shiftadd";
        const Compiled c = compile(kJsc, kJscInputs, o, dir, pow2);
        QCOMPARE(c.design.layers[0].dense->parallel, 16);
        const auto r = verify::verifyDesign(dir, {});
        QCOMPARE(r.vectors, int64_t(1000));
        QCOMPARE(r.failed, int64_t(0));
    }

    void shiftAddRefusesOtherWeights()
    {
        const std::string m = jscRefusal(ir::TemplateKind::ShiftAdd); // 6-bit uniform weights
        QVERIFY2(m.find("MatMul_0") != std::string::npos, m.c_str());
        QVERIFY2(m.find("pow2") != std::string::npos, m.c_str());
    }

    void lutDenseRefusesWideCodes()
    {
        const std::string m = jscRefusal(ir::TemplateKind::LutDense); // the JSC input codes have 16 bits
        QVERIFY2(m.find("MatMul_0") != std::string::npos, m.c_str());
        QVERIFY2(m.find("--input-bits") != std::string::npos, m.c_str());
    }

    void jscLutDenseWithEightBitInputsIsBitExact()
    {
        // The lever the refusal names: `compile --input-bits 8 --input-frac 4` lowers JSC's float input to 8-bit
        // codes, and then every layer maps on LUT-Dense and matches the golden model of that lowering.
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        arch::MapOptions o;
        o.defaultTemplate = ir::TemplateKind::LutDense;
        quant::LowerOptions lower;
        lower.inputBits = 8;
        lower.inputFractionBits = 4;
        const auto dir = std::filesystem::path(m_tmp.path().toStdString()) / "jsc_lutdense_8bit";
        const Compiled c = compile(kJsc, kJscInputs, o, dir, {}, lower);
        QCOMPARE(c.design.inputBits, int64_t(8));
        for (const arch::HwLayer& l : c.design.layers)
            QVERIFY(l.kind == ir::TemplateKind::LutDense);
        const auto r = verify::verifyDesign(dir, {});
        QCOMPARE(r.vectors, int64_t(1000));
        QCOMPARE(r.failed, int64_t(0));
        // One inference per clock once the pipeline is full: 1000 vectors in 1000 cycles plus the latency.
        QVERIFY2(r.cyclesPerInference() < 1.05, std::to_string(r.cyclesPerInference()).c_str());
    }

    void yosysOnTheOutputLayerOfEveryTemplate()
    {
        if (!verify::findProgram("yosys")) QSKIP("yosys is not installed");
        for (ir::TemplateKind kind : ir::kAllTemplates) {
            arch::MapOptions o;
            o.defaultTemplate = ir::TemplateKind::Dsp; // cheap to emit; only the output layer is synthesised
            o.layerTemplates["MatMul_3"] = kind;
            const auto dir
                = std::filesystem::path(m_tmp.path().toStdString()) / ("synth_" + std::string(ir::toString(kind)));
            quant::Overrides pow2; // shift-add needs power-of-two weights; the other templates take the model's
            if (kind == ir::TemplateKind::ShiftAdd) {
                pow2["MatMul_3"].weightBits = 4;
                pow2["MatMul_3"].weightScheme = ir::WeightScheme::PowerOfTwo;
            }
            const Compiled c = compile(kJsc, "", o, dir, pow2);
            verify::SynthOptions s;
            s.layers = { c.design.layers.back().module };
            const verify::SynthReport r = verify::synthDesign(dir, s);
            QCOMPARE(r.layers.size(), size_t(1));
            const auto& l = r.layers[0];
            qInfo("%s: estimate %lld LUT / %lld FF, Yosys %lld LUT / %lld FF (%+.1f %%)",
                std::string(ir::toString(kind)).c_str(), (long long)l.estimateLut, (long long)l.estimateFf,
                (long long)l.counts.lut, (long long)l.counts.ff, l.lutErrorPercent());
            QVERIFY2(l.problem.empty(), l.problem.c_str());
            QVERIFY(l.counts.lut > 0);
            // The parallel templates' estimates model Yosys' structure term by term (docs/compiler.md, "Resource
            // estimate"): on this layer they are within 25 % in LUTs and 10 % in FFs. The folded templates' bounds
            // are set where they are calibrated.
            if (kind == ir::TemplateKind::Unrolled || kind == ir::TemplateKind::LutDense
                || kind == ir::TemplateKind::LutNa) {
                QVERIFY2(std::abs(l.lutErrorPercent()) <= 25.0, std::to_string(l.lutErrorPercent()).c_str());
                const double ffError = 100.0 * double(l.estimateFf - l.counts.ff) / double(l.counts.ff);
                QVERIFY2(std::abs(ffError) <= 10.0, std::to_string(ffError).c_str());
            }
            const auto dsp = l.counts.cells.find("DSP48E1");
            const int64_t dsps = dsp == l.counts.cells.end() ? 0 : dsp->second;
            // The DSP template's 5 lanes (one per output) each map their 6 x 7-bit product to one DSP48E1.
            QCOMPARE(dsps, kind == ir::TemplateKind::Dsp ? int64_t(5) : int64_t(0));
        }
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestRtlTemplates)
#include "test_rtl_templates.moc"
