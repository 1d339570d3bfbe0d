// Learned LUT-Dense tables (docs/learned-tables.md) on TFC_2W2A with 2000 MNIST digits: the exact-product tables
// reproduce the model in both executors, edited tables change it exactly as their definition says (checked
// against a sum written out here from the previous layer's integers), the JSON document round-trips, the project
// file holds tables by path or inline, and every bad document or misplaced table is refused by name.
// Verilator runs of learned tables are in test_rtl_templates (TFC mix).

#include "arch/hw_design.h"
#include "edited_tables.h"
#include "error_of.h"
#include "onnx/importer.h"
#include "project/project_file.h"
#include "quant/exact_product_tables.h"
#include "quant/learned_tables_io.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "sim/dataset.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;
const std::string kTfc = kShared + "/models/TFC_2W2A.onnx";
const std::string kConvModel = kShared + "/models/conv2d_small_keras.onnx";

int layerIndex(const ir::Graph& g, const std::string& name)
{
    for (size_t i = 0; i < g.layers.size(); ++i)
        if (g.layers[i].name == name) return int(i);
    return -1;
}

std::shared_ptr<const ir::LearnedTables> shared(ir::LearnedTables t)
{
    return std::make_shared<const ir::LearnedTables>(std::move(t));
}

const std::vector<int64_t>& ints(const sim::RunResult& r, int layer)
{
    for (const auto& t : r.outputs)
        if (t.layer == layer) return t.ints;
    throw Error("no output " + std::to_string(layer));
}

const std::vector<double>& values(const sim::RunResult& r, int layer)
{
    for (const auto& t : r.outputs)
        if (t.layer == layer) return t.values;
    throw Error("no output " + std::to_string(layer));
}

} // namespace

class TestLearnedTables : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_model = importer::importModel(kTfc);
        m_inputs = sim::loadInputs(kShared + "/data/mnist_x_2k.npy", m_model.inputShape);
        QCOMPARE(m_inputs.count, int64_t(2000));
    }

    void exactTablesReproduceEveryLayer()
    {
        const quant::IntGraph base = quant::lowerToInteger(m_model);
        const sim::RunResult baseInt = sim::runInteger(base, m_inputs);
        const sim::RunResult baseFloat = sim::runFloat(m_model, m_inputs);
        quant::Overrides overrides;
        for (const char* name : { "MatMul_20", "MatMul_32", "MatMul_44", "MatMul_56" }) {
            const ir::LearnedTables t = quant::exactProductTables(base, layerIndex(m_model, name));
            QCOMPARE(t.layer, std::string(name));
            QCOMPARE(t.inputBits, 2); // int2 narrow codes 0..2, indexed by 2 bits
            overrides[name].tables = shared(t);
        }
        const ir::Graph tabled = quant::applyOverrides(m_model, overrides);
        const quant::IntGraph lowered = quant::lowerToInteger(tabled);
        QVERIFY(lowered.layers[4].tables != nullptr);
        const sim::RunResult r = sim::runInteger(lowered, m_inputs);
        QCOMPARE(ints(r, 4), ints(baseInt, 4));
        // The float model with tables: scale * sum + bias equals the weights' sum up to rounding of the doubles.
        const sim::RunResult floatRun = sim::runFloat(tabled, m_inputs);
        const std::vector<double>& f = values(floatRun, 4);
        const std::vector<double>& f0 = values(baseFloat, 4);
        QCOMPARE(f.size(), f0.size());
        for (size_t k = 0; k < f.size(); ++k)
            QVERIFY2(std::abs(f[k] - f0[k]) <= 1e-9 * std::max(1.0, std::abs(f0[k])), qPrintable(QString::number(k)));
    }

    void editedTablesComputeTheirDefinition()
    {
        const quant::IntGraph base = quant::lowerToInteger(m_model);
        const int l44 = layerIndex(m_model, "MatMul_44"), l56 = layerIndex(m_model, "MatMul_56");
        const ir::LearnedTables t = test::editedTables(quant::exactProductTables(base, l56));
        quant::Overrides overrides;
        overrides["MatMul_56"].tables = shared(t);
        ir::Graph tabled = quant::applyOverrides(m_model, overrides);
        tabled.outputs = { l44, l56 }; // MatMul_44's integers are the codes the tables are indexed by
        const quant::IntGraph lowered = quant::lowerToInteger(tabled);
        const sim::RunResult r = sim::runInteger(lowered, m_inputs);
        const std::vector<int64_t>& q = ints(r, l44);
        const std::vector<int64_t>& acc = ints(r, l56);
        const quant::IntFormat& in = *lowered.layers[size_t(l44)].outFormat();
        int64_t changed = 0;
        const sim::RunResult baseRun = sim::runInteger(base, m_inputs);
        const std::vector<int64_t>& original = ints(baseRun, l56);
        for (int64_t s = 0; s < m_inputs.count; ++s)
            for (int64_t o = 0; o < t.outputs; ++o) {
                int64_t sum = 0;
                for (int64_t i = 0; i < t.inputs; ++i)
                    sum += t.entries[size_t(
                        ((o * t.inputs + i) << t.inputBits) + int64_t(in.codeOf(q[size_t(s * t.inputs + i)])))];
                QCOMPARE(acc[size_t(s * t.outputs + o)], sum);
                changed += sum != original[size_t(s * t.outputs + o)];
            }
        QVERIFY(changed > m_inputs.count); // the tables are what the model computes now, not the weights

        // The float model computes the same real outputs from the tables.
        QCOMPARE(values(sim::runFloat(tabled, m_inputs), l56), values(r, l56));
    }

    void editedTablesOnARequantisedLayerMoveItsThresholds()
    {
        // MatMul_44 requantises to int2: with tables of a wider range its thresholds are recomputed on the new
        // accumulator range, and the two executors still agree on every output integer.
        const quant::IntGraph base = quant::lowerToInteger(m_model);
        const int l44 = layerIndex(m_model, "MatMul_44");
        quant::Overrides overrides;
        overrides["MatMul_44"].tables = shared(test::editedTables(quant::exactProductTables(base, l44)));
        ir::Graph tabled = quant::applyOverrides(m_model, overrides);
        tabled.outputs = { l44 };
        const quant::IntGraph lowered = quant::lowerToInteger(tabled);
        QVERIFY(lowered.layers[size_t(l44)].accMax > base.layers[size_t(l44)].accMax);
        const sim::RunResult r = sim::runInteger(lowered, m_inputs);
        QCOMPARE(values(sim::runFloat(tabled, m_inputs), l44), values(r, l44));
    }

    void documentRoundTrips()
    {
        const quant::IntGraph base = quant::lowerToInteger(m_model);
        const ir::LearnedTables t
            = test::editedTables(quant::exactProductTables(base, layerIndex(m_model, "MatMul_32")));
        const ir::LearnedTables back = quant::parseLearnedTables(quant::learnedTablesJson(t), "doc");
        QCOMPARE(back.entries, t.entries);
        QCOMPARE(back.present, t.present);
        QCOMPARE(back.scale.size(), size_t(1)); // one scale for every output is written once
        QCOMPARE(back.scale[0], t.scale[0]);
        QCOMPARE(back.layer, std::string("MatMul_32"));
        QCOMPARE(back.origin, std::string("doc"));
        // The text a file gets is the same document, one table per line.
        const std::string text = quant::learnedTablesText(t);
        QCOMPARE(nlohmann::json::parse(text), quant::learnedTablesJson(t));
        // "{", 7 header keys, "tables": [, per output "[" + a line per input + "]", then "]" and "}".
        QCOMPARE(
            std::count(text.begin(), text.end(), '\n'), std::ptrdiff_t(1 + 7 + 1 + t.outputs * (t.inputs + 2) + 2));
    }

    void badDocumentsNameTheKey()
    {
        const nlohmann::json good = { { "format", "luthier-lut-tables" }, { "version", 1 }, { "outputs", 1 },
            { "inputs", 2 }, { "inputBits", 1 }, { "tables", { { { 0, 1 }, nullptr } } } };
        QCOMPARE(quant::parseLearnedTables(good, "g").present, (std::vector<uint8_t> { 1, 0 }));
        auto with = [&](const char* key, nlohmann::json value) {
            nlohmann::json d = good;
            d[key] = std::move(value);
            return test::errorOf([&] { quant::parseLearnedTables(d, "t.json"); });
        };
        QCOMPARE(with("format", "luthier-project"),
            std::string("t.json: not a learned-tables document (\"format\" is not \"luthier-lut-tables\")"));
        QCOMPARE(with("version", 2),
            std::string("t.json: written by a newer Luthier (learned-tables version 2; this build reads version 1)"));
        QCOMPARE(with("inputBits", 40), std::string("t.json: inputBits: 40 is outside 1..16"));
        QCOMPARE(with("outputs", 2), std::string("t.json: tables: expected 2 elements, found 1"));
        QCOMPARE(with("tables", { { { 0, 1, 2 }, nullptr } }),
            std::string("t.json: tables[0][0]: expected 2 elements, found 3"));
        QCOMPARE(with("tables", { { { 0, 0.5 }, nullptr } }),
            std::string("t.json: tables[0][0][1]: expected an integer, found 0.5"));
        QCOMPARE(with("tables", { { { 0, int64_t(1) << 40 }, nullptr } }),
            std::string("t.json: tables[0][0][1]: 1099511627776 is outside -2147483648..2147483647"));
        QCOMPARE(with("scale", -1.0), std::string("t.json: scale: expected a positive number, found -1.0"));
        QCOMPARE(with("scale", { 1.0, 2.0 }), std::string("t.json: scale: expected 1 elements, found 2"));
        QCOMPARE(with("inputs", 100000), std::string("t.json: tables[0]: expected 100000 elements, found 2"));
        QCOMPARE(with("outputs", 1 << 24),
            std::string("t.json: tables: 16777216 x 2 tables of 2^1 entries are more than the limit of 2^24 entries"));
        nlohmann::json noTables = good;
        noTables.erase("tables");
        QCOMPARE(test::errorOf([&] { quant::parseLearnedTables(noTables, "t.json"); }),
            std::string("t.json: tables: missing"));
        QCOMPARE(test::errorOf([&] { quant::loadLearnedTables("/nonexistent/t.json"); }),
            std::string("/nonexistent/t.json: cannot open learned tables"));
    }

    void misplacedTablesAreRefusedByName()
    {
        const quant::IntGraph base = quant::lowerToInteger(m_model);
        const auto t56 = shared(quant::exactProductTables(base, layerIndex(m_model, "MatMul_56")));
        quant::Overrides wrongLayer;
        wrongLayer["MatMul_44"].tables = t56;
        QCOMPARE(test::errorOf([&] { quant::applyOverrides(m_model, wrongLayer); }),
            std::string("layer 'MatMul_44': the learned tables from the exact products of layer 'MatMul_56' are for "
                        "layer 'MatMul_56'"));
        ir::LearnedTables anonymous = *t56;
        anonymous.layer.clear();
        wrongLayer["MatMul_44"].tables = shared(anonymous);
        QCOMPARE(test::errorOf([&] { quant::lowerToInteger(quant::applyOverrides(m_model, wrongLayer)); }),
            std::string("layer 'MatMul_44': the learned tables from the exact products of layer 'MatMul_56' have "
                        "outputs 10, the layer has 64"));
        quant::Overrides everyLayer;
        everyLayer[quant::kAllLayers].tables = t56;
        QCOMPARE(test::errorOf([&] { quant::applyOverrides(m_model, everyLayer); }),
            std::string("learned tables are set on '*': tables belong to one layer, name it"));
        // Wider input codes after an abits override no longer fit 2-bit tables.
        quant::Overrides wider;
        wider["MatMul_56"].tables = t56;
        wider["MatMul_44"].activationBits = 3;
        QCOMPARE(test::errorOf([&] { quant::lowerToInteger(quant::applyOverrides(m_model, wider)); }),
            std::string("layer 'MatMul_56': the learned tables from the exact products of layer 'MatMul_56' have "
                        "inputBits 2, the layer has 3"));
        // Only LUT-Dense computes tables: they select it, and another template set on the layer is an error.
        quant::Overrides ok;
        ok["MatMul_56"].tables = t56;
        const ir::Graph tabled = quant::applyOverrides(m_model, ok);
        const quant::IntGraph lowered = quant::lowerToInteger(tabled);
        arch::MapOptions options;
        options.defaultTemplate = ir::TemplateKind::Dsp;
        QVERIFY(arch::mapDesign(lowered, options).layers.back().kind == ir::TemplateKind::LutDense);
        options.layerTemplates["MatMul_56"] = ir::TemplateKind::Tlmac;
        QCOMPARE(test::errorOf([&] { arch::mapDesign(lowered, options); }),
            std::string("layer 'MatMul_56' (Dense) has learned LUT-Dense tables (the exact products of layer "
                        "'MatMul_56'), which only the lutdense template computes, but its template is set to tlmac"));
    }

    void tablesOnAConvLayerAreRefused()
    {
        if (!std::filesystem::exists(kConvModel)) QSKIP("no conv model in ../shared");
        const ir::Graph cnv = importer::importModel(kConvModel);
        std::string conv;
        for (const ir::Layer& l : cnv.layers)
            if (l.kind == ir::LayerKind::Conv && conv.empty()) conv = l.name;
        quant::Overrides o;
        ir::LearnedTables t;
        t.origin = "t.json";
        o[conv].tables = shared(t);
        QCOMPARE(test::errorOf([&] { quant::applyOverrides(cnv, o); }),
            "layer '" + conv
                + "' (Conv) cannot take learned tables from t.json: they replace the products of Dense layers");
    }

    void projectHoldsTablesByPathOrInline()
    {
        const std::string dir = m_tmp.path().toStdString();
        const quant::IntGraph base = quant::lowerToInteger(m_model);
        const ir::LearnedTables t
            = test::editedTables(quant::exactProductTables(base, layerIndex(m_model, "MatMul_56")));
        std::ofstream(dir + "/t56.json") << quant::learnedTablesJson(t).dump();
        nlohmann::json doc = { { "format", "luthier-project" }, { "version", 1 }, { "model", kTfc },
            { "overrides",
                { { "MatMul_56", { { "tables", "t56.json" } } },
                    { "MatMul_44",
                        { { "tables",
                            quant::learnedTablesJson(test::editedTables(
                                quant::exactProductTables(base, layerIndex(m_model, "MatMul_44")))) } } } } } };
        std::ofstream(dir + "/p.luthier") << doc.dump();
        const project::Project p = project::loadProject(dir + "/p.luthier");
        QCOMPARE(p.overrides.at("MatMul_56").tablesFile, dir + "/t56.json");
        QCOMPARE(p.overrides.at("MatMul_56").tables->entries, t.entries);
        QVERIFY(p.overrides.at("MatMul_44").tablesFile.empty());
        QCOMPARE(p.overrides.at("MatMul_44").tables->origin, dir + "/p.luthier: overrides.MatMul_44.tables");

        // Saved elsewhere: the path is rewritten relative to the new folder, inline tables stay inline.
        std::filesystem::create_directories(dir + "/sub");
        project::saveProject(p, dir + "/sub/q.luthier");
        const nlohmann::json saved = nlohmann::json::parse(std::ifstream(dir + "/sub/q.luthier"));
        QCOMPARE(saved["overrides"]["MatMul_56"]["tables"], nlohmann::json("../t56.json"));
        QVERIFY(saved["overrides"]["MatMul_44"]["tables"].is_object());
        const project::Project q = project::loadProject(dir + "/sub/q.luthier");
        QCOMPARE(q.overrides.at("MatMul_44").tables->entries, p.overrides.at("MatMul_44").tables->entries);

        // A missing file and a bad inline table name the project key.
        doc["overrides"]["MatMul_56"]["tables"] = "gone.json";
        std::ofstream(dir + "/bad.luthier") << doc.dump();
        QCOMPARE(test::errorOf([&] { project::loadProject(dir + "/bad.luthier"); }),
            dir + "/bad.luthier: overrides.MatMul_56.tables: " + dir + "/gone.json: cannot open learned tables");
        doc["overrides"]["MatMul_56"]["tables"] = { { "format", "luthier-lut-tables" }, { "version", 1 } };
        std::ofstream(dir + "/bad.luthier") << doc.dump();
        QCOMPARE(test::errorOf([&] { project::loadProject(dir + "/bad.luthier"); }),
            dir + "/bad.luthier: overrides.MatMul_56.tables: outputs: missing");
    }

private:
    QTemporaryDir m_tmp;
    ir::Graph m_model;
    sim::Dataset m_inputs;
};

QTEST_GUILESS_MAIN(TestLearnedTables)
#include "test_learned_tables.moc"
