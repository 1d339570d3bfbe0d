#include "jobs_runner.h"

#include "util/error.h"
#include "worker_pool.h"

#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <csignal>
#include <mutex>
#include <unistd.h>

namespace luthier::widgets {

QString toString(JobState state)
{
    switch (state) {
    case JobState::Running:
        return QStringLiteral("running");
    case JobState::Succeeded:
        return QStringLiteral("done");
    case JobState::Failed:
        return QStringLiteral("failed");
    case JobState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

Job::Job(QString title, QString snapshotKey, QObject* parent)
    : QObject(parent)
    , m_title(std::move(title))
    , m_snapshotKey(std::move(snapshotKey))
{
    m_clock.start();
}

void Job::setStale(bool stale)
{
    if (stale == m_stale) return;
    m_stale = stale;
    Q_EMIT staleChanged(stale);
}

double Job::seconds() const
{
    return m_seconds >= 0 ? m_seconds : double(m_clock.elapsed()) / 1000.0;
}

void Job::setProgress(double fraction, const QString& message)
{
    m_progress = fraction;
    m_message = message;
    Q_EMIT progressChanged(fraction, message);
}

void Job::appendLog(const QString& text)
{
    m_log += text;
    Q_EMIT logAppended(text);
}

void Job::finish(JobState state, const QString& summary)
{
    if (finished()) return;
    m_seconds = double(m_clock.elapsed()) / 1000.0;
    m_state = state;
    m_summary = summary;
    if (state == JobState::Succeeded) m_progress = 1.0;
    Q_EMIT summaryChanged(summary);
    Q_EMIT jobFinished(state);
}

// ---- ProcessJob

ProcessJob::ProcessJob(
    QString title, QString snapshotKey, QString program, QStringList arguments, Summariser summariser, QObject* parent)
    : Job(std::move(title), std::move(snapshotKey), parent)
    , m_program(std::move(program))
    , m_arguments(std::move(arguments))
    , m_summariser(std::move(summariser))
    , m_process(new QProcess(this))
{
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // Its own process group: cancel signals the group, reaching every process the tool started.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
    connect(m_process, &QProcess::readyRead, this, &ProcessJob::readOutput);
    connect(m_process, &QProcess::started, this, [this] {
        m_pid = m_process->processId();
        if (m_cancelRequested) // cancelled while starting
            ::kill(pid_t(-m_pid), SIGKILL);
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish(JobState::Failed, tr("could not start %1: %2").arg(m_program, m_process->errorString()));
    });
    connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        readOutput();
        if (!m_pending.isEmpty()) appendLog(QStringLiteral("\n"));
        if (m_pid > 0) ::kill(pid_t(-m_pid), SIGKILL); // stragglers of the group, if the tool left any
        if (m_cancelRequested) {
            finish(JobState::Cancelled, tr("cancelled after %1 s").arg(seconds(), 0, 'f', 1));
            return;
        }
        JobState state = status == QProcess::NormalExit && exitCode == 0 ? JobState::Succeeded : JobState::Failed;
        QString summary = m_summariser ? m_summariser(log(), exitCode, state) : QString();
        if (summary.isEmpty())
            summary = state == JobState::Succeeded ? tr("finished") : tr("exit code %1").arg(exitCode);
        finish(state, summary);
    });
}

ProcessJob::~ProcessJob()
{
    if (m_process->state() != QProcess::NotRunning) {
        m_cancelRequested = true;
        if (m_pid > 0) ::kill(pid_t(-m_pid), SIGKILL);
        m_process->waitForFinished(2000);
    }
}

void ProcessJob::start()
{
    appendLog(QStringLiteral("$ %1 %2\n").arg(m_program, m_arguments.join(QLatin1Char(' '))));
    if (!m_workingDirectory.isEmpty()) m_process->setWorkingDirectory(m_workingDirectory);
    m_process->start(m_program, m_arguments);
}

void ProcessJob::cancel()
{
    if (finished() || m_cancelRequested) return;
    m_cancelRequested = true;
    appendLog(tr("cancelling...\n"));
    if (m_pid <= 0) {
        m_process->kill();
        return;
    }
    // luthier-cli turns SIGTERM into a cancel that stops its tool's own process group (SIGTERM, then SIGKILL
    // after 2 s; core/verify/process.cpp), so it gets longer than that before it is killed: killing it first
    // would leave the tool running.
    ::kill(pid_t(-m_pid), SIGTERM);
    QTimer::singleShot(3000, this, [this] {
        if (m_process->state() != QProcess::NotRunning) ::kill(pid_t(-m_pid), SIGKILL);
    });
}

void ProcessJob::readOutput()
{
    const QString text = QString::fromUtf8(m_process->readAll());
    if (text.isEmpty()) return;
    appendLog(text);
    m_pending += text;
    // Tools print "[i/n] ..." per finished item or "[ 42%] ..." (rewritten in place with \r).
    static const QRegularExpression counter(QStringLiteral("^\\[(\\d+)/(\\d+)\\]\\s*(.*)$"));
    static const QRegularExpression percent(QStringLiteral("^\\[\\s*(\\d+)%\\]\\s*(.*)$"));
    static const QRegularExpression lineEnd(QStringLiteral("[\r\n]"));
    qsizetype end;
    while ((end = m_pending.indexOf(lineEnd)) >= 0) {
        const QString line = m_pending.left(end).trimmed();
        m_pending.remove(0, end + 1);
        if (const QRegularExpressionMatch m = counter.match(line); m.hasMatch() && m.captured(2).toDouble() > 0)
            setProgress(m.captured(1).toDouble() / m.captured(2).toDouble(), m.captured(3));
        else if (const QRegularExpressionMatch p = percent.match(line); p.hasMatch())
            setProgress(p.captured(1).toDouble() / 100.0, p.captured(2));
        else if (!line.isEmpty())
            setProgress(progress(), line);
    }
}

// ---- ThreadJob

class ThreadJob::ForwardingProgress : public Progress {
public:
    explicit ForwardingProgress(ThreadJob* job)
        : m_job(job)
    {
    }
    void report(double fraction, std::string_view message) override
    {
        // Throttled: the GUI needs no more than ~30 updates a second.
        std::lock_guard lock(m_mutex);
        if (m_clock.isValid() && m_clock.elapsed() < 33 && fraction < 1.0) return;
        m_clock.start();
        QPointer<ThreadJob> job = m_job;
        const QString text = QString::fromUtf8(message.data(), qsizetype(message.size()));
        QMetaObject::invokeMethod(
            m_job,
            [job, fraction, text] {
                if (job && !job->finished()) job->setProgress(fraction, text);
            },
            Qt::QueuedConnection);
    }

private:
    ThreadJob* m_job;
    std::mutex m_mutex;
    QElapsedTimer m_clock;
};

ThreadJob::ThreadJob(QString title, QString snapshotKey, Work work, std::function<void()> done, QObject* parent)
    : Job(std::move(title), std::move(snapshotKey), parent)
    , m_work(std::move(work))
    , m_done(std::move(done))
    , m_progress(std::make_shared<ForwardingProgress>(this))
{
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, [this] {
        if (m_cancelled) {
            finish(JobState::Cancelled, tr("cancelled after %1 s").arg(seconds(), 0, 'f', 1));
        } else if (!m_error.isEmpty()) {
            appendLog(m_error + QLatin1Char('\n'));
            finish(JobState::Failed, m_error.section(QLatin1Char('\n'), 0, 0));
        } else {
            if (m_done) m_done();
            appendLog(m_result + QLatin1Char('\n'));
            finish(JobState::Succeeded, m_result);
        }
    });
}

ThreadJob::~ThreadJob()
{
    m_progress->cancel();
    m_watcher.waitForFinished();
}

void ThreadJob::start()
{
    appendLog(tr("%1 (in the workbench, on a worker thread)\n").arg(title()));
    auto progress = m_progress;
    m_watcher.setFuture(QtConcurrent::run(workerPool(), [this, progress] {
        lowerThreadPriority();
        try {
            m_result = m_work(*progress);
        } catch (const Cancelled&) {
            m_cancelled = true;
        } catch (const std::exception& e) {
            m_error = QString::fromUtf8(e.what());
        }
    }));
}

void ThreadJob::cancel()
{
    if (finished()) return;
    m_cancelRequested = true;
    appendLog(tr("cancelling...\n"));
    m_progress->cancel();
}

// ---- JobRunner

JobRunner::JobRunner(QObject* parent)
    : QObject(parent)
{
}

JobRunner::~JobRunner()
{
    cancelAll();
}

void JobRunner::start(Job* job)
{
    job->setParent(this);
    m_jobs.append(job);
    connect(job, &Job::jobFinished, this, [this, job] { Q_EMIT jobFinished(job); });
    job->setStale(!m_projectKey.isEmpty() && job->snapshotKey() != m_projectKey);
    Q_EMIT jobAdded(job);
    job->start();
}

bool JobRunner::anyRunning() const
{
    return std::any_of(m_jobs.begin(), m_jobs.end(), [](const Job* j) { return !j->finished(); });
}

void JobRunner::cancelAll()
{
    for (Job* job : m_jobs)
        job->cancel();
}

void JobRunner::setProjectKey(const QString& key)
{
    m_projectKey = key;
    for (Job* job : m_jobs)
        job->setStale(job->snapshotKey() != key);
}

} // namespace luthier::widgets
