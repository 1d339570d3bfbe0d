// Layer names that are Verilog-2005 or SystemVerilog keywords ("wor", "table", "logic": issue 29) gave
// modules that no tool parses, with exit 0. The emitted design must rename them and lint clean in Verilator,
// which reads the files as the verify step does.

#include "arch/hw_design.h"
#include "named_dense_chain.h"
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
        const test::NamedDenseChain chain("keywords", { "input", "wor", "table", "logic" });
        const arch::HwDesign design = arch::mapDesign(chain.ints, {});
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
