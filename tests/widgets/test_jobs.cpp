// Background jobs on the bundled example (TFC_2W2A + 300 MNIST digits): compile then verify through
// luthier-cli child processes ends with a bit-exact pass summary; cancelling an explore sweep stops the
// process group within a second and leaves no process behind; a worker-thread job cancels cooperatively;
// jobs of an older project snapshot are marked stale; the summaries read the CLI's real output format.

#include "job_wait.h"
#include "jobs_commands.h"
#include "jobs_panel.h"
#include "jobs_runner.h"
#include "project/project_file.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cerrno>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

using namespace luthier;
using namespace luthier::widgets;

namespace {

project::Project example()
{
    return project::loadProject(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestJobs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(test::useBuiltCli(), "build luthier-cli in the same tree first"); }

    void summariesReadTheCliOutput()
    {
        // Lines in the exact format of luthier-cli verify / synth (app/cli/cmd_verify.cpp, cmd_synth.cpp).
        JobState state = JobState::Succeeded;
        QCOMPARE(verifySummary(
                     QStringLiteral("tfc_top: 2000 vectors, 2000 passed, 0 failed\nPASS: bit-exact on every vector\n"),
                     0, state),
            QStringLiteral("verified 2,000/2,000 vectors bit-exact"));
        QVERIFY(state == JobState::Succeeded);
        QCOMPARE(verifySummary(QStringLiteral("tfc_top: 300 vectors, 297 passed, 3 failed\nFAIL\n"), 1, state),
            QStringLiteral("3 of 300 vectors differ from the golden model"));
        QVERIFY(state == JobState::Failed);
        state = JobState::Succeeded;
        QCOMPARE(
            synthSummary(
                QStringLiteral("Yosys synth_xilinx, per layer (estimate vs synthesis)\n"
                               "layer  LUT est LUT err %\n"
                               "total                        5120     5432    -5.7     900      880     10      2\n"),
                0, state),
            QStringLiteral("Yosys: 5,432 LUT vs 5,120 estimated"));
        QCOMPARE(synthSummary(QStringLiteral(
                                  "total                         362      388    -6.7     383      384     24     80\n"
                                  "critical path 2.85 ns in cell delays alone (Yosys sta, Artix-7 cell timing, no "
                                  "routing): Fmax at most 351 MHz; placed and routed it is lower\n"),
                     0, state),
            QStringLiteral("Yosys: 388 LUT vs 362 estimated; cell path 2.85 ns, Fmax at most 351 MHz before routing"));
    }

    void verifyJobOnTheExamplePasses()
    {
        QTemporaryDir work;
        JobsPanel panel;
        // An unsaved per-layer choice, as the statistics view makes one: compile must map what the project says.
        project::Project current = example();
        current.overrides["MatMul_56"].templateKind = ir::TemplateKind::Dsp;
        panel.setProjectProvider([&current] { return current; });
        panel.setWorkDirectory(work.path());
        Job* compile = panel.compile();
        QVERIFY(compile);
        QVERIFY2(test::waitFinished(compile, 60000), "compile did not finish in 60 s");
        QVERIFY2(compile->state() == JobState::Succeeded, qPrintable(compile->log()));
        QVERIFY(compile->summary().startsWith(QStringLiteral("compiled:")));
        QFile manifest(QDir(work.path()).filePath(QStringLiteral("design/manifest.json")));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        const nlohmann::json layers = nlohmann::json::parse(manifest.readAll().toStdString()).at("layers");
        QCOMPARE(layers.size(), size_t(4));
        QCOMPARE(layers[0].at("template").get<std::string>(), std::string("tlmac"));
        QCOMPARE(layers[3].at("template").get<std::string>(), std::string("dsp"));

        QSignalSpy notified(&panel, &JobsPanel::notify);
        Job* verify = panel.verify();
        QVERIFY(verify);
        QVERIFY2(test::waitFinished(verify, 180000), "verify did not finish in 180 s");
        QVERIFY2(verify->state() == JobState::Succeeded, qPrintable(verify->log()));
        // The example's dataset has 300 digits; every one must match the golden model bit for bit.
        QCOMPARE(verify->summary(), QStringLiteral("verified 300/300 vectors bit-exact"));
        QCOMPARE(notified.count(), 1);
        QCOMPARE(notified.at(0).at(2).toBool(), true);

        // An edit after the compile: Verify must not check the old design and call it current. It compiles the
        // project as it is now first, then verifies that.
        const QString record = QDir(work.path()).filePath(QStringLiteral("design/luthier-folder.json"));
        const QByteArray recordBefore = readAll(record);
        current.overrides["MatMul_56"].weightBits = 3;
        panel.projectChanged();
        QVERIFY(verify->stale());
        Job* recompile = panel.verify();
        QVERIFY(recompile);
        QCOMPARE(recompile->title(), QStringLiteral("Compile"));
        QVERIFY2(test::waitFinished(recompile, 60000), "the recompile did not finish in 60 s");
        QVERIFY2(recompile->state() == JobState::Succeeded, qPrintable(recompile->log()));
        QVERIFY(readAll(record) != recordBefore);
        QTRY_COMPARE(panel.runner()->jobs().size(), 4);
        Job* reverify = panel.runner()->jobs().last();
        QCOMPARE(reverify->title(), verify->title());
        QVERIFY2(test::waitFinished(reverify, 180000), "verify did not finish in 180 s");
        QCOMPARE(reverify->summary(), QStringLiteral("verified 300/300 vectors bit-exact"));
        QVERIFY(!reverify->stale());
        // Now current: Verify starts at once.
        Job* again = panel.verify();
        QVERIFY(again);
        QCOMPARE(again->title(), verify->title());
        again->cancel();
        QVERIFY(test::waitFinished(again, 10000));

        // The panel as the user sees it (for the docs): the finished compile and verify rows, verify's log.
        panel.resize(900, 620);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QString dir = QStringLiteral(LUTHIER_BINARY_DIR "/screens");
        QDir().mkpath(dir);
        QVERIFY(panel.grab().save(dir + QStringLiteral("/jobs_compile_verify.png")));
    }

    void implementCompilesFirstThenRoutesOnTheICE40()
    {
        QTemporaryDir work;
        JobsPanel panel;
        project::Project p;
        p.modelPath = LUTHIER_SHARED_DIR "/models/bnn_model_fc_1layer.onnx";
        p.compiler.lutInputs = 4;
        p.compiler.clockMhz = 12.0; // the iCEBreaker's oscillator
        p.devicePart = "xc7z020";
        panel.setProjectProvider([&p] { return p; });
        panel.setWorkDirectory(work.path());
        // A Xilinx part: refused with the reason, nothing started.
        QVERIFY(!panel.implement());
        QVERIFY(panel.runner()->jobs().isEmpty());

        p.devicePart = "ice40up5k";
        panel.projectChanged();
        Job* compile = panel.implement(); // no design yet: compiles first
        QVERIFY(compile);
        QCOMPARE(compile->title(), QStringLiteral("Compile"));
        QVERIFY2(test::waitFinished(compile, 60000), "compile did not finish in 60 s");
        QVERIFY2(compile->state() == JobState::Succeeded, qPrintable(compile->log()));
        QTRY_COMPARE(panel.runner()->jobs().size(), 2);
        Job* implement = panel.runner()->jobs().last();
        QCOMPARE(implement->title(), QStringLiteral("Implement (iCE40)"));
        QVERIFY2(test::waitFinished(implement, 240000), "implement did not finish in 240 s");
        QVERIFY2(implement->state() == JobState::Succeeded, qPrintable(implement->log()));
        // "ice40up5k: 83 logic cells of 5,280, routed Fmax 66.71 MHz": nextpnr's routed figures, from its report.
        static const QRegularExpression summary(
            QStringLiteral("^ice40up5k: \\d+ logic cells of 5,280, routed Fmax ([\\d.]+) MHz$"));
        const QRegularExpressionMatch m = summary.match(implement->summary());
        QVERIFY2(m.hasMatch(), qPrintable(implement->summary()));
        QVERIFY(m.captured(1).toDouble() > 12.0);
        QVERIFY(QFileInfo::exists(QDir(work.path()).filePath(QStringLiteral("design/implement-ice40up5k"))));

        // An edit while the chained compile runs: the compiled design no longer matches the project, so the
        // implement job must not follow it.
        p.compiler.clockMhz = 24.0;
        panel.projectChanged();
        Job* recompile = panel.implement();
        QVERIFY(recompile);
        QCOMPARE(recompile->title(), QStringLiteral("Compile"));
        p.compiler.clockMhz = 48.0;
        panel.projectChanged();
        QVERIFY(test::waitFinished(recompile, 60000));
        QCoreApplication::processEvents();
        QCOMPARE(panel.runner()->jobs().size(), 3);
        panel.resize(900, 620);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QString dir = QStringLiteral(LUTHIER_BINARY_DIR "/screens");
        QDir().mkpath(dir);
        QVERIFY(panel.grab().save(dir + QStringLiteral("/jobs_compile_implement.png")));
    }

    void cancellingExploreStopsWithinASecond()
    {
        // The example's 300 digits sweep in well under a second on a fast machine, so this sweep evaluates
        // the shared 2,000 digits: eight TFC evaluations, each far longer than the 20 ms polling below.
        JobsPanel panel;
        panel.setProjectProvider([] {
            project::Project p = example();
            p.dataset.inputs = LUTHIER_SHARED_DIR "/data/mnist_x_2k.npy";
            p.dataset.labels = LUTHIER_SHARED_DIR "/data/mnist_y_2k.npy";
            return p;
        });
        Job* job = panel.explore();
        QVERIFY(job);
        auto* process = qobject_cast<ProcessJob*>(job);
        QVERIFY(process);
        QTRY_VERIFY_WITH_TIMEOUT(process->processId() > 0, 10000);
        const qint64 group = process->processId();
        // Cancel once the first configuration has reported: the tool is inside the sweep, not starting up.
        QTRY_VERIFY_WITH_TIMEOUT(job->progress() > 0.0 || job->finished(), 60000);
        QVERIFY2(!job->finished(), "explore ended before it could be cancelled; the test needs a longer sweep");
        QElapsedTimer clock;
        clock.start();
        job->cancel();
        QVERIFY(test::waitFinished(job, 3000));
        const qint64 ms = clock.elapsed();
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("took %1 ms").arg(ms)));
        QVERIFY(job->state() == JobState::Cancelled);
        // No process of the job's group is left (kill with signal 0 only checks).
        errno = 0;
        QCOMPARE(::kill(pid_t(-group), 0), -1);
        QCOMPARE(errno, ESRCH);
    }

    void threadJobCancelsCooperatively()
    {
        JobRunner runner;
        auto* job = new ThreadJob(QStringLiteral("spin"), QStringLiteral("k"), [](Progress& progress) {
            for (int i = 0;; ++i) {
                progress.report(double(i % 100) / 100.0, "spinning");
                progress.checkpoint();
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            return QString();
        });
        runner.start(job);
        QTRY_VERIFY_WITH_TIMEOUT(job->progress() >= 0.0, 5000);
        QElapsedTimer clock;
        clock.start();
        job->cancel();
        QVERIFY(test::waitFinished(job, 2000));
        QVERIFY(clock.elapsed() < 1000);
        QVERIFY(job->state() == JobState::Cancelled);
    }

    void resultsOfAnOlderSnapshotAreStale()
    {
        project::Project p = example();
        JobsPanel panel;
        panel.setProjectProvider([&p] { return p; });
        panel.projectChanged();
        Job* place = panel.place();
        QVERIFY(place);
        QVERIFY(test::waitFinished(place, 60000));
        QVERIFY2(place->state() == JobState::Succeeded, qPrintable(place->log()));
        QVERIFY(!place->stale());
        // An edit after the job started: its result no longer describes the project.
        p.constraints.pblocks["fc1"] = { 0, 0, 10, 10 };
        panel.projectChanged();
        QVERIFY(place->stale());
        // Undoing the edit restores the snapshot the job saw.
        p.constraints.pblocks.erase("fc1");
        panel.projectChanged();
        QVERIFY(!place->stale());
    }
};

QTEST_MAIN(TestJobs)
#include "test_jobs.moc"
