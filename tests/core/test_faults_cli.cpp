// Design and export folders are transactions (issue 29), checked through the real luthier-cli: kill -9 at
// random points of `compile` and `export` leaves the folder entirely the previous design or entirely the new
// one (every file compared by SHA-256 with a complete run's), two compiles into one folder at once give one
// clear lock error and one consistent folder, readers refuse a folder whose files were changed, and standard
// output on a full device is an error, not exit 0. Label faults; needs luthier-cli from the same tree.

#include "core/full_disk.h"
#include "util/sha256.h"
#include "util/staged_folder.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <fstream>
#include <map>
#include <thread>

using namespace luthier;
namespace fs = std::filesystem;

namespace {

// LUTHIER_FAULTS_CLI runs the suite against another build (to see it fail on an older luthier-cli).
const QString kCli = qEnvironmentVariable("LUTHIER_FAULTS_CLI", QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli"));
const QString kModel = QStringLiteral(LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx");
const QString kInputs = QStringLiteral(LUTHIER_SHARED_DIR "/models/reference/qkeras_jettagging.input.npy");

using Snapshot = std::map<std::string, std::string>; // relative path -> SHA-256, every regular file

Snapshot snapshot(const fs::path& dir)
{
    Snapshot s;
    if (!fs::exists(dir)) return s;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            s[entry.path().lexically_relative(dir).generic_string()] = util::sha256File(entry.path());
    return s;
}

struct Run {
    int exitCode = -1;
    QString err;
    qint64 ms = 0;
};

Run run(const QStringList& args)
{
    QProcess p;
    QElapsedTimer clock;
    clock.start();
    p.start(kCli, args);
    p.waitForFinished(300000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardError()),
        clock.elapsed() };
}

QStringList compileArgs(const fs::path& out, int variant)
{
    // Two designs that differ in every file: another annealing seed and another number of vectors.
    return { QStringLiteral("compile"), kModel, QStringLiteral("-o"), QString::fromStdString(out.string()),
        QStringLiteral("--inputs"), kInputs, QStringLiteral("--vectors"),
        variant ? QStringLiteral("10") : QStringLiteral("20"), QStringLiteral("--seed"), QString::number(variant + 1) };
}

QStringList exportArgs(const fs::path& design, const fs::path& out, int variant)
{
    return { QStringLiteral("export"), QString::fromStdString(design.string()), QStringLiteral("--vivado"),
        QString::fromStdString(out.string()), QStringLiteral("--part"), QStringLiteral("xcvu13p"),
        QStringLiteral("--clock-ns"), variant ? QStringLiteral("4") : QStringLiteral("5") };
}

// Runs `args` and kills it with SIGKILL after `delayUs` (or lets it finish first).
void runAndKill(const QStringList& args, qint64 delayUs)
{
    QProcess p;
    p.start(kCli, args);
    QVERIFY(p.waitForStarted());
    std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
    ::kill(pid_t(p.processId()), SIGKILL);
    p.waitForFinished(60000);
}

std::string describe(const Snapshot& s)
{
    std::string out;
    for (const auto& [name, hash] : s)
        out += "\n  " + name + " " + hash.substr(0, 12);
    return out;
}

// Kills `args(variant)` at `points` random moments, spread evenly over one run's duration; after each, the
// folder must equal one of the two complete snapshots exactly. Each run writes the variant the folder does
// not hold, so every kill lands in a real replacement.
void killRepeatedly(const fs::path& folder, const std::function<QStringList(int)>& args,
    const std::array<Snapshot, 2>& complete, qint64 runUs, int points)
{
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator random(seed);
    int held = 0;
    for (int i = 0; i < points; ++i) {
        const int next = 1 - held;
        // Stratified: point i lies in the i-th of `points` equal slices of 1.2 runs, so the whole run is covered.
        const qint64 delay = qint64((double(i) + random.generateDouble()) / points * 1.2 * double(runUs));
        runAndKill(args(next), delay);
        const Snapshot now = snapshot(folder);
        if (now == complete[size_t(next)])
            held = next;
        else
            QVERIFY2(now == complete[size_t(held)],
                qPrintable(QStringLiteral("kill %1 after %2 us (seed %3): the folder is neither design:%4")
                               .arg(i)
                               .arg(delay)
                               .arg(seed)
                               .arg(QString::fromStdString(describe(now)))));
    }
}

} // namespace

class TestFaultsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path root() const { return fs::path(m_tmp.path().toStdString()); }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFileInfo(kCli).isExecutable(), "build luthier-cli in the same tree first"); }

    void standardOutputOnAFullDeviceIsAnError()
    {
        QProcess p;
        p.setStandardOutputFile(QStringLiteral("/dev/full"));
        p.start(kCli, { QStringLiteral("inspect"), QStringLiteral("--json"), kModel });
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(QStringLiteral("error: standard output: No space left on device")), qPrintable(err));
    }

    void printedTablesOnAFullDeviceAreAnError()
    {
        // Tables go through printf, whose buffer fails only when it is flushed: the CLI checks that at exit.
        for (const QStringList& args : { QStringList { QStringLiteral("inspect"), kModel },
                 QStringList { QStringLiteral("analyze"), kModel, QStringLiteral("--json") } }) {
            QProcess p;
            p.setStandardOutputFile(QStringLiteral("/dev/full"));
            p.start(kCli, args);
            QVERIFY(p.waitForFinished(120000));
            const QString err = QString::fromUtf8(p.readAllStandardError());
            QVERIFY2(p.exitCode() == 2 && err.contains(QStringLiteral("error: standard output: ")),
                qPrintable(args.join(' ') + ": exit " + QString::number(p.exitCode()) + ": " + err));
        }
    }

    void namesThatAreNotUtf8StillGiveJson()
    {
        // ONNX does not check that names are UTF-8. A layer whose name starts with byte 0xFF used to end every
        // --json report with "internal error"; the byte becomes U+FFFD instead.
        QFile source(QStringLiteral(LUTHIER_SHARED_DIR "/models/three_layer_keras.onnx"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QByteArray bytes = source.readAll();
        const qsizetype at = bytes.indexOf("_class__keras_layers_core_Dense__\"");
        QVERIFY(at > 0);
        bytes[at] = char(0xFF);
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("not-utf8.onnx"));
        QFile patched(model);
        QVERIFY(patched.open(QIODevice::WriteOnly) && patched.write(bytes) == bytes.size());
        patched.close();
        for (const QString& command : { QStringLiteral("inspect"), QStringLiteral("analyze") }) {
            QProcess p;
            p.start(kCli, { command, model, QStringLiteral("--json") });
            QVERIFY(p.waitForFinished(120000));
            QCOMPARE(p.exitCode(), 0);
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(p.readAllStandardOutput(), &error);
            QVERIFY2(!doc.isNull(), qPrintable(command + ": " + error.errorString()));
            QVERIFY2(doc.toJson().contains("\xEF\xBF\xBD"
                                           "class__keras_layers_core_Dense__"),
                qPrintable(command));
        }
    }

    void notANumberIsRefusedBeforeAnyWork()
    {
        // CLI11's range check lets NaN through (every comparison with NaN is false); the pipeline refuses it, and
        // before the design folder exists.
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "design";
        const Run r = run({ QStringLiteral("compile"), kModel, QStringLiteral("-o"),
            QString::fromStdString(out.string()), QStringLiteral("--effort"), QStringLiteral("nan") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("annealing effort nan")), qPrintable(r.err));
        QVERIFY(!fs::exists(out));
    }

    void killedCompileLeavesTheOldOrTheNewDesign()
    {
        std::array<Snapshot, 2> complete;
        qint64 slowest = 0;
        for (int variant : { 0, 1 }) {
            const fs::path reference = root() / ("reference " + std::to_string(variant));
            const Run r = run(compileArgs(reference, variant));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            slowest = std::max(slowest, r.ms);
            complete[size_t(variant)] = snapshot(reference);
        }
        QVERIFY(complete[0] != complete[1]);
        QVERIFY(complete[0].count("vectors.txt") && complete[1].count("vectors.txt"));
        const fs::path folder = root() / "design";
        QCOMPARE(run(compileArgs(folder, 0)).exitCode, 0);
        QVERIFY(snapshot(folder) == complete[0]);
        killRepeatedly(
            folder, [&](int v) { return compileArgs(folder, v); }, complete, slowest * 1000, 20);
        // Whatever a killed run left beside the folder (DIR.tmp-PID, DIR.lock), the next run clears.
        QCOMPARE(run(compileArgs(folder, 0)).exitCode, 0);
        for (const auto& entry : fs::directory_iterator(root()))
            QVERIFY2(entry.path().filename().string().find("design.") != 0, entry.path().c_str());
    }

    void killedExportLeavesTheOldOrTheNewFolder()
    {
        const fs::path design = root() / "export design";
        QVERIFY(run(compileArgs(design, 0)).exitCode == 0);
        std::array<Snapshot, 2> complete;
        qint64 slowest = 0;
        for (int variant : { 0, 1 }) {
            const fs::path reference = root() / ("export reference " + std::to_string(variant));
            const Run r = run(exportArgs(design, reference, variant));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            slowest = std::max(slowest, r.ms);
            complete[size_t(variant)] = snapshot(reference);
        }
        QVERIFY(complete[0] != complete[1]);
        const fs::path folder = root() / "vivado";
        QCOMPARE(run(exportArgs(design, folder, 0)).exitCode, 0);
        killRepeatedly(
            folder, [&](int v) { return exportArgs(design, folder, v); }, complete, slowest * 1000, 20);
    }

    void concurrentCompilesOneFailsAtOnce()
    {
        const fs::path folder = root() / "contested";
        const fs::path reference = root() / "contested reference";
        // A long annealing keeps the first compile (and its lock) busy for seconds, so the second one surely meets
        // the lock, however slowly processes start on a loaded machine.
        const auto slow = [](const fs::path& out) {
            return compileArgs(out, 0) << QStringLiteral("--effort") << QStringLiteral("20");
        };
        const Run alone = run(slow(reference));
        QCOMPARE(alone.exitCode, 0);
        QProcess first, second;
        first.start(kCli, slow(folder));
        QVERIFY(first.waitForStarted());
        const qint64 firstPid = first.processId();
        // Started once the first one holds the lock: its staging folder DIR.tmp-PID exists from then on (a fixed
        // delay raced with a slow start on a loaded machine).
        const fs::path staging = folder.string() + ".tmp-" + std::to_string(firstPid);
        QElapsedTimer waiting;
        waiting.start();
        while (!fs::exists(staging) && first.state() == QProcess::Running && waiting.elapsed() < 60000)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        QVERIFY2(fs::exists(staging), "the first compile never started writing");
        QElapsedTimer clock;
        clock.start();
        second.start(kCli, compileArgs(folder, 0));
        QVERIFY(second.waitForFinished(60000));
        const qint64 secondMs = clock.elapsed();
        QVERIFY(first.waitForFinished(300000));
        const QString err = QString::fromUtf8(second.readAllStandardError());
        QCOMPARE(first.exitCode(), 0);
        QCOMPARE(second.exitCode(), 2);
        QVERIFY2(err.contains(QStringLiteral("is being written by another process (pid %1)").arg(firstPid)),
            qPrintable(err));
        QVERIFY2(secondMs < alone.ms, qPrintable(QStringLiteral("%1 ms").arg(secondMs))); // at once, no waiting
        QVERIFY(snapshot(folder) == snapshot(reference));
    }

    void readersRefuseAChangedFolder()
    {
        const fs::path design = root() / "tampered";
        QCOMPARE(run(compileArgs(design, 0)).exitCode, 0);
        std::ofstream(design / "vectors.txt", std::ios::app) << "1 2 3\n";
        for (const QString& command : { QStringLiteral("verify"), QStringLiteral("place"), QStringLiteral("synth") }) {
            const Run r = run({ command, QString::fromStdString(design.string()) });
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QString::fromStdString((design / "vectors.txt").string())
                         + QStringLiteral(": does not match its SHA-256")),
                qPrintable(r.err));
        }
        const Run r = run(exportArgs(design, root() / "tampered vivado", 0));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("vectors.txt: does not match")), qPrintable(r.err));
        QVERIFY(!fs::exists(root() / "tampered vivado"));
    }
};

QTEST_GUILESS_MAIN(TestFaultsCli)
#include "test_faults_cli.moc"
