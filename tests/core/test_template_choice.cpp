// Template auto (arch/template_choice.h) on real models: under an initiation interval of one cycle every layer of
// JSC and TFC_2W2A goes on a one-per-clock template, each layer on the cheapest of those its own mapping on every
// single template gives, and the whole design is never larger than the same model on any single template; a
// per-layer template from the project wins, and an interval no template meets is an error naming the layer.

#include "arch/hw_design.h"
#include "arch/template_choice.h"
#include "pipeline/pipeline.h"
#include "util/error.h"

#include <QtTest/QtTest>
#include <set>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;
constexpr ir::TemplateKind kOnePerClock[]
    = { ir::TemplateKind::Unrolled, ir::TemplateKind::LutDense, ir::TemplateKind::LutNa, ir::TemplateKind::AdderGraph };

pipeline::Options modelOptions(const std::string& model)
{
    pipeline::Options o;
    o.modelPath = kShared + "/models/" + model;
    return o;
}

std::shared_ptr<const arch::HwDesign> designOf(const pipeline::Options& options)
{
    Progress progress;
    pipeline::Pipeline build(options);
    return build.design(progress);
}

pipeline::Options autoOptions(const std::string& model, int64_t interval)
{
    pipeline::Options o = modelOptions(model);
    o.chooseTemplate = true;
    o.initiationInterval = interval;
    return o;
}

// Checks the auto design of `model` at one cycle against each one-per-clock template mapped alone.
void checkOnePerClock(const std::string& model)
{
    const auto chosen = designOf(autoOptions(model, 1));
    QCOMPARE(chosen->interval, 1);
    for (ir::TemplateKind kind : kOnePerClock) {
        pipeline::Options single = modelOptions(model);
        single.defaultTemplate = kind;
        std::shared_ptr<const arch::HwDesign> whole;
        try {
            whole = designOf(single);
        } catch (const Error&) { // the template does not map some layer (LUT-Dense on 16-bit codes)
            continue;
        }
        QVERIFY2(chosen->estimate.lut <= whole->estimate.lut,
            qPrintable(QString::fromStdString(model + ": auto " + std::to_string(chosen->estimate.lut) + " LUT, "
                + std::string(ir::toString(kind)) + " " + std::to_string(whole->estimate.lut))));
        QCOMPARE(whole->layers.size(), chosen->layers.size());
        for (size_t i = 0; i < whole->layers.size(); ++i) // each layer the cheapest of what it could be
            QVERIFY(chosen->layers[i].estimate.lut <= whole->layers[i].estimate.lut);
    }
    QCOMPARE(chosen->notes.size(), chosen->layers.size()); // one reason per layer, naming it
    for (size_t i = 0; i < chosen->layers.size(); ++i) {
        QVERIFY(chosen->notes[i].find(chosen->layers[i].name) != std::string::npos);
        QVERIFY(chosen->notes[i].find(std::string(ir::toString(chosen->layers[i].kind))) != std::string::npos);
        QCOMPARE(chosen->layers[i].interval, 1);
    }
}

} // namespace

class TestTemplateChoice : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jetTaggerOnePerClock() { checkOnePerClock("qkeras_jettagging.onnx"); }

    // TFC mixes templates: the unrolled template wins its middle layers, the adder graph its first and last.
    void tfcOnePerClockMixes()
    {
        checkOnePerClock("TFC_2W2A.onnx");
        const auto chosen = designOf(autoOptions("TFC_2W2A.onnx", 1));
        std::set<ir::TemplateKind> kinds;
        for (const arch::HwLayer& layer : chosen->layers)
            kinds.insert(layer.kind);
        QVERIFY(kinds.size() > 1);
    }

    // Without a bound the folded TLMAC template, far smaller and far slower, wins every JSC layer.
    void anyIntervalPicksTheSmallest()
    {
        const auto chosen = designOf(autoOptions("qkeras_jettagging.onnx", 0));
        for (const arch::HwLayer& layer : chosen->layers)
            QVERIFY(layer.kind == ir::TemplateKind::Tlmac);
        QVERIFY(chosen->interval > 1);
    }

    void layerTemplateWins()
    {
        pipeline::Options options = autoOptions("qkeras_jettagging.onnx", 0);
        options.overrides["MatMul_3"].templateKind = ir::TemplateKind::Unrolled;
        const auto chosen = designOf(options);
        QVERIFY(chosen->layers.back().kind == ir::TemplateKind::Unrolled);
        QCOMPARE(chosen->notes.size(), chosen->layers.size() - 1);
    }

    // No real layer lacks a one-per-clock template (unrolled maps any layer), so the error is checked on the
    // choice itself: a mapper whose every template needs 4 cycles, except one that cannot map the layer.
    void unmetIntervalNamesTheLayer()
    {
        arch::HwLayer hw;
        hw.name = "fc1";
        const auto slowMapper = [](arch::HwLayer& candidate) {
            if (candidate.kind == ir::TemplateKind::LutDense) throw Error("no tables");
            candidate.interval = 4;
            candidate.estimate.lut = 10;
        };
        try {
            arch::mapCheapestTemplate(hw, slowMapper, 2, "'fc1' (Dense)");
            QFAIL("an interval no template meets was accepted");
        } catch (const Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("'fc1' (Dense)") != std::string::npos, e.what());
            QVERIFY2(message.find("at most 2 cycles") != std::string::npos, e.what());
            QVERIFY2(message.find("unrolled interval 4") != std::string::npos, e.what());
            QVERIFY2(message.find("does not apply: lutdense") != std::string::npos, e.what());
        }
        QVERIFY(arch::mapCheapestTemplate(hw, slowMapper, 4, "'fc1' (Dense)").find(" on tlmac,") != std::string::npos);
        QVERIFY(hw.kind == ir::TemplateKind::Tlmac); // equal cost: the earlier template
    }
};

QTEST_GUILESS_MAIN(TestTemplateChoice)
#include "test_template_choice.moc"
