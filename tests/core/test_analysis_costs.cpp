// The template costs the statistics show are the compiler's estimate: analyze and compile agree per layer on every
// template of the shared models, a template the compiler refuses is unavailable with the compiler's reason, and a
// model that does not lower keeps the analytic formulas with a note saying so.

#include "analysis/layer_stats.h"
#include "arch/hw_design.h"
#include "dense_graph.h"
#include "onnx/importer.h"
#include "pipeline/pipeline.h"
#include "quant/exact_product_tables.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "util/error.h"

#include <QtTest>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

analysis::AnalysisOptions fastAnalysis()
{
    analysis::AnalysisOptions options;
    options.tlmac.method = arch::tlmac::ClusterMethod::Greedy;
    return options;
}

// What `luthier-cli compile --template KIND` maps with, for the same K, G, P and clustering as fastAnalysis().
arch::MapOptions compileOptions(ir::TemplateKind kind)
{
    arch::MapOptions options;
    options.tlmac = fastAnalysis().tlmac;
    options.tlmac.lutInputs = 6;
    options.tlmac.groupSize = 3;
    options.tlmac.parallelOutputs = 64;
    options.foldedLanes = 64;
    options.defaultTemplate = kind;
    return options;
}

std::string compileError(const quant::IntGraph& ints, ir::TemplateKind kind)
{
    try {
        arch::mapDesign(ints, compileOptions(kind));
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestAnalysisCosts : public QObject {
    Q_OBJECT

private:
    // For every template: the analysis cost of each layer is the compiled design's estimate of that layer, or, when
    // compile refuses the template, unavailable with the same message compile gives.
    void checkAgainstCompile(const std::string& model, int expectedRefusals)
    {
        const ir::Graph g = importer::importModel(kShared + "/models/" + model);
        const quant::IntGraph ints = quant::lowerToInteger(g);
        Progress progress;
        const analysis::ModelStats stats = analysis::analyseGraph(g, fastAnalysis(), progress);
        QVERIFY(!stats.layers.empty());
        int refusals = 0;
        for (size_t k = 0; k < std::size(ir::kAllTemplates); ++k) {
            const ir::TemplateKind kind = ir::kAllTemplates[k];
            const std::string kindName(ir::toString(kind));
            const std::string refused = compileError(ints, kind);
            if (!refused.empty()) {
                ++refusals;
                // The layer compile stopped at is unavailable in the analysis, with compile's reason.
                bool named = false;
                for (const analysis::LayerStats& s : stats.layers) {
                    const arch::cost::Cost& c = s.cost(kind);
                    QVERIFY(c.fromCompiler);
                    named = named || (!c.available && c.formula.find(refused) != std::string::npos);
                }
                QVERIFY2(named, (model + " " + kindName + ": no layer says " + refused).c_str());
                QVERIFY(!stats.totals[k].available);
                continue;
            }
            const arch::HwDesign design = arch::mapDesign(ints, compileOptions(kind));
            int64_t total = 0;
            for (const arch::HwLayer& hw : design.layers) {
                const auto s = std::find_if(stats.layers.begin(), stats.layers.end(),
                    [&](const analysis::LayerStats& l) { return l.index == ints.layers[size_t(hw.source)].source; });
                QVERIFY(s != stats.layers.end());
                const arch::cost::Cost& c = s->cost(kind);
                const std::string where = model + " " + s->name + " " + kindName;
                if (kind == ir::TemplateKind::AdderGraph && s->weights > 8192) {
                    // The statistics keep the formula there (hugeLayersKeepTheFormulaOnParallelTemplates).
                    QVERIFY2(!c.fromCompiler, where.c_str());
                    total += c.lut;
                    continue;
                }
                QVERIFY2(c.available && c.fromCompiler, where.c_str());
                QVERIFY2(c.lut == hw.estimate.lut,
                    (where + ": " + std::to_string(c.lut) + " LUT, compile " + std::to_string(hw.estimate.lut))
                        .c_str());
                QCOMPARE(c.ff, hw.estimate.ff);
                QCOMPARE(c.dsp, hw.estimate.dsp);
                QCOMPARE(c.cycles, hw.interval);
                total += hw.estimate.lut;
            }
            QCOMPARE(stats.totals[k].lut, total);
        }
        QCOMPARE(refusals, expectedRefusals);
    }

private Q_SLOTS:
    void tfcCostsAreTheCompilersOnEveryTemplate()
    {
        // TFC_2W2A's weights {-1, 0, 1} are powers of two and its 2-bit codes index LUT-Dense tables: every
        // template maps every layer.
        checkAgainstCompile("TFC_2W2A.onnx", 0);
    }

    void jscRefusalsCarryTheCompilersReason()
    {
        // qkeras_jettagging: 16-bit inputs are too wide for LUT-Dense tables, and its weights are not powers of two
        // (shift-add): two templates compile refuses, the other four agree layer by layer.
        checkAgainstCompile("qkeras_jettagging.onnx", 2);
    }

    void learnedTablesLeaveOnlyLutDense()
    {
        // TFC's output layer with learned tables (here its exact products): the lutdense cost is the compiler's
        // estimate of the tables, and the other templates are unavailable because compile maps tables on
        // LUT-Dense only.
        const ir::Graph g = importer::importModel(kShared + "/models/TFC_2W2A.onnx");
        const quant::IntGraph plain = quant::lowerToInteger(g);
        const int lowered = int(std::find_if(plain.layers.begin(), plain.layers.end(), [&](const quant::IntLayer& l) {
            return l.source >= 0 && g.layers[size_t(l.source)].name == "MatMul_56";
        }) - plain.layers.begin());
        quant::Overrides overrides;
        overrides["MatMul_56"].tables
            = std::make_shared<const ir::LearnedTables>(quant::exactProductTables(plain, lowered));
        const ir::Graph withTables = quant::applyOverrides(g, overrides);
        Progress progress;
        const analysis::ModelStats stats = analysis::analyseGraph(withTables, fastAnalysis(), progress);
        const analysis::LayerStats& last = stats.layers.back();
        QCOMPARE(last.name, std::string("MatMul_56"));
        const arch::HwLayer lutDense = arch::mapWeightLayer(quant::lowerToInteger(withTables), lowered,
            ir::TemplateKind::LutDense, compileOptions(ir::TemplateKind::LutDense));
        QVERIFY(lutDense.dense && lutDense.dense->tables);
        QVERIFY(last.cost(ir::TemplateKind::LutDense).fromCompiler);
        QCOMPARE(last.cost(ir::TemplateKind::LutDense).lut, lutDense.estimate.lut);
        for (ir::TemplateKind kind : { ir::TemplateKind::Tlmac, ir::TemplateKind::Unrolled, ir::TemplateKind::ShiftAdd,
                 ir::TemplateKind::LutNa, ir::TemplateKind::Dsp }) {
            QVERIFY(!last.cost(kind).available);
            QVERIFY2(last.cost(kind).formula.find("only the lutdense template computes") != std::string::npos,
                last.cost(kind).formula.c_str());
        }
    }

    void formulasRemainWhenTheModelDoesNotLower()
    {
        // TFC with its first layer's weights made float: the statistics skip that layer and the model no longer
        // lowers, so every cost is the analytic formula and a model note says why.
        ir::Graph g = importer::importModel(kShared + "/models/TFC_2W2A.onnx");
        Progress progress;
        const int first = analysis::analyseGraph(g, fastAnalysis(), progress).layers[0].index;
        g.layers[size_t(first)].weightQuant = ir::QuantSpec {};
        QVERIFY_THROWS_EXCEPTION(Error, quant::lowerToInteger(g));
        const analysis::ModelStats stats = analysis::analyseGraph(g, fastAnalysis(), progress);
        QCOMPARE(stats.layers.size(), size_t(3));
        for (const analysis::LayerStats& s : stats.layers)
            for (const arch::cost::Cost& c : s.costs)
                QVERIFY(!c.fromCompiler);
        QVERIFY(std::any_of(stats.notes.begin(), stats.notes.end(),
            [](const std::string& n) { return n.find("does not lower to integers") != std::string::npos; }));
    }

    void hugeLayersKeepTheFormulaOnParallelTemplates()
    {
        // A 1024 -> 1025 Dense layer (1,049,600 int2 weights, just above the bound): the folded templates are the
        // compiler's estimate, the parallel ones (which would map a table per product) the analytic formula.
        std::vector<float> weights(1025 * 1024);
        for (size_t i = 0; i < weights.size(); ++i)
            weights[i] = float(int(i * 7919 % 3) - 1);
        const ir::Graph g = test::denseGraph(1024, 1025, std::move(weights), 1.0);
        analysis::AnalysisOptions options = fastAnalysis();
        options.planTlmac = false;
        Progress progress;
        const analysis::ModelStats stats = analysis::analyseGraph(g, options, progress);
        QCOMPARE(stats.layers.size(), size_t(1));
        const analysis::LayerStats& s = stats.layers[0];
        QVERIFY(s.cost(ir::TemplateKind::Dsp).fromCompiler);
        QVERIFY(s.cost(ir::TemplateKind::Tlmac).fromCompiler);
        for (ir::TemplateKind kind :
            { ir::TemplateKind::Unrolled, ir::TemplateKind::LutDense, ir::TemplateKind::LutNa }) {
            QVERIFY(!s.cost(kind).fromCompiler);
            QVERIFY(s.cost(kind).formula.find("template up to 1048576") != std::string::npos);
        }
        // The adder graph's sharing search is quadratic per row: it is mapped on layers up to 8192 weights only.
        QVERIFY(!s.cost(ir::TemplateKind::AdderGraph).fromCompiler);
        QVERIFY(
            s.cost(ir::TemplateKind::AdderGraph).formula.find("addergraph template up to 8192") != std::string::npos);
    }

    void layerGroupSizeReachesTheCompiler()
    {
        // `LAYER.group=2` in a project: the pipeline's compile options plan that layer with G = 2, the others with
        // the default 3, and its statistics report the same plan's cost.
        const ir::Graph g = importer::importModel(kShared + "/models/TFC_2W2A.onnx");
        Progress progress;
        const std::string name
            = g.layers[size_t(analysis::analyseGraph(g, fastAnalysis(), progress).layers[1].index)].name;
        pipeline::Options options;
        options.modelPath = kShared + "/models/TFC_2W2A.onnx";
        options.overrides = quant::parseAssignments({ name + ".group=2" });
        pipeline::Pipeline build(options);
        arch::MapOptions map = build.mapOptions(progress);
        map.tlmac.method = fastAnalysis().tlmac.method; // the statistics' clustering, so the two plans are the same
        const arch::HwDesign design = arch::mapDesign(*build.ints(progress), map);
        QCOMPARE(design.layers[1].tlmac->plan.groupSize, 2);
        QCOMPARE(design.layers[0].tlmac->plan.groupSize, 3);
        const analysis::ModelStats& stats = *build.statistics(progress);
        QCOMPARE(stats.layers[1].cost(ir::TemplateKind::Tlmac).lut, design.layers[1].estimate.lut);
    }

    void inputQuantiserReachesTheCompilerEstimate()
    {
        // JSC's float input gets the lowering's 16-bit quantiser, too wide for LUT-Dense; with `--input-bits 8` the
        // analysis shows the same LUT-Dense cost as compile of the 8-bit input layer, and the unrolled cost drops.
        const ir::Graph g = importer::importModel(kShared + "/models/qkeras_jettagging.onnx");
        Progress progress;
        const analysis::ModelStats wide = analysis::analyseGraph(g, fastAnalysis(), progress);
        QVERIFY(!wide.layers[0].cost(ir::TemplateKind::LutDense).available);
        analysis::AnalysisOptions narrow = fastAnalysis();
        narrow.lowering.inputBits = 8;
        narrow.lowering.inputFractionBits = 4;
        const analysis::ModelStats stats = analysis::analyseGraph(g, narrow, progress);
        QCOMPARE(stats.layers[0].activationBits, 8);
        quant::LowerOptions lower;
        lower.inputBits = 8;
        lower.inputFractionBits = 4;
        const arch::HwDesign design
            = arch::mapDesign(quant::lowerToInteger(g, lower), compileOptions(ir::TemplateKind::LutDense));
        QCOMPARE(design.layers[0].inputBits, int64_t(8));
        const arch::cost::Cost& lutDense = stats.layers[0].cost(ir::TemplateKind::LutDense);
        QVERIFY(lutDense.fromCompiler);
        QCOMPARE(lutDense.lut, design.layers[0].estimate.lut);
        QVERIFY(
            stats.layers[0].cost(ir::TemplateKind::Unrolled).lut < wide.layers[0].cost(ir::TemplateKind::Unrolled).lut);
    }
};

QTEST_GUILESS_MAIN(TestAnalysisCosts)
#include "test_analysis_costs.moc"
