#pragma once
// What the widget suites that run jobs share: waiting for a job with the event loop running (its watcher and
// the child process report through it), and pointing the jobs at the luthier-cli of this build tree.

#include "jobs_runner.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QTest>

namespace luthier::widgets::test {

inline bool waitFinished(const Job* job, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!job->finished() && clock.elapsed() < timeoutMs)
        QTest::qWait(20);
    return job->finished();
}

// The jobs find luthier-cli through $LUTHIER_CLI; false when this tree has not built it.
inline bool useBuiltCli()
{
    const QString cli = QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli");
    qputenv("LUTHIER_CLI", cli.toUtf8());
    return QFileInfo(cli).isExecutable();
}

} // namespace luthier::widgets::test
