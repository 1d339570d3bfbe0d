// Layer names that are Verilog-2005 or SystemVerilog keywords ("wor", "table", "logic": issue 29) gave
// modules that no tool parses, with exit 0. The emitted design must rename them and lint clean in Verilator,
// which reads the files as the verify step does.

#include "arch/hw_design.h"
#include "quant/int_graph.h"
#include "rtl/verilog_emitter.h"
#include "verify/process.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

using namespace luthier;

class TestFaultsNames : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keywordLayerNamesGiveLegalModules()
    {
        ir::Graph source;
        source.name = "keywords";
        for (const char* name : { "input", "wor", "table", "logic" }) {
            ir::Layer l;
            l.name = name;
            source.layers.push_back(l);
        }
        quant::IntGraph g;
        g.source = &source;
        g.inputFormat.bits = 2;
        g.inputFormat.isSigned = false;
        g.inputFormat.minInt = 0;
        g.inputFormat.maxInt = 3;
        quant::IntLayer input;
        input.kind = ir::LayerKind::Input;
        input.source = 0;
        input.outShape = { 4 };
        g.layers.push_back(input);
        for (int i = 1; i <= 3; ++i) {
            quant::IntLayer d;
            d.kind = ir::LayerKind::Dense;
            d.source = i;
            d.inputs = { i - 1 };
            d.outShape = { 4 };
            d.weightShape = { 4, 4 };
            d.weightBits = 2;
            d.weights = { 1, -1, 0, 1, 0, 1, 1, -2, 1, 1, 1, 1, -2, 0, 0, 1 };
            if (i < 3) {
                quant::Thresholds t;
                t.out = g.inputFormat;
                for (int c = 0; c < 4; ++c) {
                    t.direction.push_back(1);
                    t.levels.push_back({ -1, 0, 2 });
                }
                d.requant = t;
            }
            g.layers.push_back(d);
        }
        g.outputs = { 3 };
        const arch::HwDesign design = arch::mapDesign(g, {});
        const std::vector<rtl::EmittedFile> files = rtl::emitDesign(design);
        const nlohmann::json manifest = nlohmann::json::parse(files.back().contents);
        QCOMPARE(files.back().name, std::string("manifest.json"));
        std::vector<std::string> modules;
        for (const auto& layer : manifest["layers"])
            modules.push_back(layer["module"].get<std::string>());
        QCOMPARE(modules, (std::vector<std::string> { "wor_l", "table_l", "logic_l" }));

        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        QTemporaryDir dir;
        rtl::writeFiles(dir.path().toStdString(), files);
        QStringList args { QStringLiteral("--lint-only"), QStringLiteral("-Wno-fatal"), QStringLiteral("--top-module"),
            QString::fromStdString(manifest["top"].get<std::string>()) };
        for (const auto& file : files)
            if (file.name.size() > 2 && file.name.substr(file.name.size() - 2) == ".v")
                args << dir.filePath(QString::fromStdString(file.name));
        QProcess lint;
        lint.setWorkingDirectory(dir.path());
        lint.start(QStringLiteral("verilator"), args);
        QVERIFY(lint.waitForFinished(120000));
        QVERIFY2(lint.exitCode() == 0, lint.readAllStandardError().constData());
    }
};

QTEST_GUILESS_MAIN(TestFaultsNames)
#include "test_faults_names.moc"
