// compile and verify under memory pressure (issue 29). compile, through the real luthier-cli under `ulimit -v`: a
// std::ostringstream that runs out of memory mid-write keeps what it had and sets badbit, so compile wrote a truncated
// module that still ended in `endmodule` and exited 0. Around the smallest limit compile succeeds under, every run must
// either write exactly the files an unlimited run writes, or exit non-zero (not by a signal) and write no folder at
// all. verify --memory-limit bounds Verilator, its compilers and the harness: too small a limit is a clear error that
// names it and shows the end of the build log, a sufficient one verifies. Label faults; needs luthier-cli from
// the same tree.

#include "util/sha256.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <map>

using namespace luthier;
namespace fs = std::filesystem;

namespace {

const QString kCli = qEnvironmentVariable("LUTHIER_FAULTS_CLI", QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli"));
const QString kModel = QStringLiteral(LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx");

using Snapshot = std::map<std::string, std::string>; // relative path -> SHA-256

Snapshot snapshot(const fs::path& dir)
{
    Snapshot s;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().filename() != "luthier-folder.json") // holds the time
            s[entry.path().lexically_relative(dir).generic_string()] = util::sha256File(entry.path());
    return s;
}

struct Run {
    bool signalled = false;
    int exitCode = 0;
    QString err;
};

// compile JSC on the unrolled template (2 MB of Verilog, most of it in a few large texts) into `out` with an
// address-space limit of `kib` KiB (0: none).
Run compile(const fs::path& out, long kib)
{
    QProcess p;
    const QStringList args { QStringLiteral("compile"), kModel, QStringLiteral("--template"),
        QStringLiteral("unrolled"), QStringLiteral("-o"), QString::fromStdString(out.string()) };
    if (kib > 0)
        p.start(QStringLiteral("sh"),
            QStringList { QStringLiteral("-c"), QStringLiteral("ulimit -v %1 && exec \"$0\" \"$@\"").arg(kib), kCli }
                + args);
    else
        p.start(kCli, args);
    p.waitForFinished(120000);
    return { p.exitStatus() != QProcess::NormalExit, p.exitCode(), QString::fromUtf8(p.readAllStandardError()) };
}

Run cli(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CCACHE_DISABLE"), QStringLiteral("1")); // a cached object would need no compiler
    p.setProcessEnvironment(env);
    p.start(kCli, args);
    p.waitForFinished(600000);
    return { p.exitStatus() != QProcess::NormalExit, p.exitCode(), QString::fromUtf8(p.readAllStandardError()) };
}

} // namespace

class TestFaultsMemory : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void compileIsWholeOrFails()
    {
#ifdef __SANITIZE_ADDRESS__
        QSKIP("luthier-cli built with AddressSanitizer reserves terabytes of shadow memory, which ulimit -v forbids");
#endif
        QTemporaryDir tmp;
        const fs::path dir = tmp.path().toStdString();
        const Run unlimited = compile(dir / "whole", 0);
        QVERIFY2(!unlimited.signalled && unlimited.exitCode == 0, qPrintable(unlimited.err));
        const Snapshot whole = snapshot(dir / "whole");

        // The smallest limit (64 KiB steps) compile exits 0 under: memory runs out just below it, in the largest
        // texts' last growth.
        long low = 1024, high = 1 << 20;
        while (high - low > 64) {
            const long mid = (low + high) / 2;
            fs::remove_all(dir / "probe");
            (compile(dir / "probe", mid).exitCode == 0 ? high : low) = mid;
        }
        int completed = 0, failed = 0;
        for (long kib = high - 4096; kib <= high + 1024; kib += 64) {
            const fs::path out = dir / ("limit-" + std::to_string(kib));
            const Run r = compile(out, kib);
            const QString what = QStringLiteral("ulimit -v %1: ").arg(kib);
            QVERIFY2(!r.signalled, qPrintable(what + QStringLiteral("killed by a signal; ") + r.err));
            if (r.exitCode == 0) {
                QVERIFY2(snapshot(out) == whole, qPrintable(what + QStringLiteral("exit 0 with different files")));
                ++completed;
            } else {
                QVERIFY2(!fs::exists(out), qPrintable(what + QStringLiteral("failed but left a folder")));
                QVERIFY2(!r.err.isEmpty(), qPrintable(what + QStringLiteral("failed without a message")));
                ++failed;
            }
        }
        QVERIFY2(completed > 0 && failed > 0,
            qPrintable(
                QStringLiteral("%1 completed, %2 failed: the range missed the edge").arg(completed).arg(failed)));
    }

    void verifyMemoryLimit()
    {
        QTemporaryDir tmp;
        const QString design = tmp.filePath(QStringLiteral("bnn"));
        const Run compiled
            = cli({ QStringLiteral("compile"), QStringLiteral(LUTHIER_SHARED_DIR "/models/bnn_model_fc_1layer.onnx"),
                QStringLiteral("-o"), design, QStringLiteral("--inputs"),
                QStringLiteral(LUTHIER_SHARED_DIR "/models/reference/bnn_model_fc_1layer.input.npy"),
                QStringLiteral("-q") });
        QVERIFY2(compiled.exitCode == 0, qPrintable(compiled.err));

        // 30 MiB: less than any C++ compiler needs for the harness.
        const Run starved = cli({ QStringLiteral("verify"), design, QStringLiteral("--memory-limit"),
            QStringLiteral("0.03"), QStringLiteral("-j"), QStringLiteral("1") });
        QVERIFY2(!starved.signalled && starved.exitCode == 2, qPrintable(starved.err));
        QVERIFY2(starved.err.contains(QStringLiteral("out of memory under --memory-limit 0.03 GiB")),
            qPrintable(starved.err));
        QVERIFY2(starved.err.contains(QStringLiteral("make")), qPrintable(starved.err)); // the log's end, not nothing

        const Run enough = cli({ QStringLiteral("verify"), design, QStringLiteral("--memory-limit"),
            QStringLiteral("4"), QStringLiteral("-j"), QStringLiteral("1") });
        QVERIFY2(enough.exitCode == 0, qPrintable(enough.err));
    }
};

QTEST_GUILESS_MAIN(TestFaultsMemory)
#include "test_faults_memory.moc"
