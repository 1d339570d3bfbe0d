// One way from a project to a design (issue: one pipeline in core). The same project is compiled three ways:
// the workbench's Compile job (a project snapshot handed to `luthier-cli compile --project`), `luthier-cli
// compile` with the same choices as command-line flags, and in process through pipeline::Pipeline as the
// workbench's Place job and the explainer build it. Every file of the three design folders must be identical,
// for P = 32 and P = 64: P reaches the folded DSP lanes as well as TLMAC (compile --project once left the lanes
// at 64 whatever the project said).

#include "job_wait.h"
#include "jobs_commands.h"
#include "jobs_panel.h"
#include "jobs_runner.h"
#include "pipeline/design_folder.h"
#include "project/project_file.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <map>

using namespace luthier;
using namespace luthier::widgets;

namespace {

const QString kExample = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");

// The example with choices that exercise every option the pipeline derives: a per-layer template whose lanes
// follow P, a per-layer weight width, K, P and a low effort so the test stays quick.
project::Project exampleWith(int parallelism)
{
    project::Project p = project::loadProject(kExample.toStdString());
    p.compiler.parallelism = parallelism;
    p.compiler.annealingEffort = 0.1;
    p.overrides["MatMul_32"].templateKind = ir::TemplateKind::Dsp; // 64 outputs: P lanes
    p.overrides["MatMul_44"].weightBits = 3;
    return p;
}

// Every file of a design folder by name (Verilog, ROMs, manifest, netlist, vectors) but the project snapshot
// the Compile job leaves beside them.
std::map<QString, QByteArray> designFiles(const QString& dir)
{
    std::map<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString name = QFileInfo(path).fileName();
        if (name.endsWith(QStringLiteral(".luthier"))) continue;
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) files[name] = f.readAll();
    }
    return files;
}

} // namespace

class TestOnePipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(test::useBuiltCli(), "build luthier-cli in the same tree first"); }

    void cliGuiAndInProcessBuildTheSameDesign_data()
    {
        QTest::addColumn<int>("parallelism");
        QTest::newRow("P=32") << 32;
        QTest::newRow("P=64") << 64;
    }

    void cliGuiAndInProcessBuildTheSameDesign()
    {
        QFETCH(int, parallelism);
        const project::Project project = exampleWith(parallelism);
        QTemporaryDir work;

        // 1. The workbench's Compile job.
        JobsPanel panel;
        panel.setProjectProvider([project] { return project; });
        panel.setWorkDirectory(work.path());
        Job* compile = panel.compile();
        QVERIFY(compile);
        QVERIFY2(test::waitFinished(compile, 120000), "the Compile job did not finish in 120 s");
        QVERIFY2(compile->state() == JobState::Succeeded, qPrintable(compile->log()));
        const std::map<QString, QByteArray> gui = designFiles(QDir(work.path()).filePath(QStringLiteral("design")));

        // 2. The command line, every choice as a flag.
        const QString cliDir = QDir(work.path()).filePath(QStringLiteral("cli"));
        QProcess cli;
        cli.start(QString::fromUtf8(qgetenv("LUTHIER_CLI")),
            { QStringLiteral("compile"), QString::fromStdString(project.modelPath), QStringLiteral("-o"), cliDir,
                QStringLiteral("--parallel"), QString::number(parallelism), QStringLiteral("--effort"),
                QStringLiteral("0.1"), QStringLiteral("--set"), QStringLiteral("MatMul_32.template=dsp"),
                QStringLiteral("--set"), QStringLiteral("MatMul_44.wbits=3"), QStringLiteral("--inputs"),
                QString::fromStdString(project.dataset.inputs) });
        QVERIFY2(cli.waitForFinished(120000), qPrintable(cli.errorString()));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        const std::map<QString, QByteArray> flags = designFiles(cliDir);

        // 3. In process, as the Place job and the explainer build it.
        const QString inProcessDir = QDir(work.path()).filePath(QStringLiteral("in-process"));
        pipeline::Pipeline build(pipeline::fromProject(project));
        Progress none;
        pipeline::writeDesignFolder(build, inProcessDir.toStdString(), -1, none);
        const std::map<QString, QByteArray> inProcess = designFiles(inProcessDir);

        // The DSP layer folds onto P lanes, so the equality below is not the default coinciding with itself.
        QVERIFY(gui.count(QStringLiteral("manifest.json")));
        QVERIFY(gui.at(QStringLiteral("manifest.json")).contains("\"lanes\": " + QByteArray::number(parallelism)));

        QCOMPARE(gui.size(), flags.size());
        QCOMPARE(inProcess.size(), gui.size());
        for (const auto& [name, contents] : gui) {
            QVERIFY2(
                flags.count(name) && flags.at(name) == contents, qPrintable(name + " differs: GUI job vs CLI flags"));
            QVERIFY2(inProcess.count(name) && inProcess.at(name) == contents,
                qPrintable(name + " differs: GUI job vs in-process pipeline"));
        }
    }
};

QTEST_MAIN(TestOnePipeline)
#include "test_one_pipeline.moc"
