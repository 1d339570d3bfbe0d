#pragma once
// Background jobs (DESIGN.md section 8): compile, place, verify, synthesise, explore and export run off the
// GUI thread, either as a child process (luthier-cli, started with an argument list, never a shell string)
// or as a core function on a worker thread with cooperative cancel (luthier::Progress).
//
// Every job records the key of the project snapshot it started from; when the project changes, the
// runner marks jobs of other snapshots stale, so an old result is never mistaken for the current one.

#include "util/progress.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace luthier::widgets {

enum class JobState { Running, Succeeded, Failed, Cancelled };
QString toString(JobState state);

class Job : public QObject {
    Q_OBJECT
public:
    Job(QString title, QString snapshotKey, QObject* parent = nullptr);

    QString title() const { return m_title; }
    QString snapshotKey() const { return m_snapshotKey; }
    JobState state() const { return m_state; }
    bool finished() const { return m_state != JobState::Running; }
    double progress() const { return m_progress; } // 0..1, or < 0 while unknown
    QString progressMessage() const { return m_message; }
    QString log() const { return m_log; }
    QString summary() const { return m_summary; }
    bool stale() const { return m_stale; }
    void setStale(bool stale);
    double seconds() const;

    virtual void start() = 0;
    // Asks the work to stop: a thread job's Progress reports cancelled, a process group gets SIGTERM
    // (SIGKILL after 500 ms). The job finishes with state Cancelled once the work has really stopped.
    virtual void cancel() = 0;

Q_SIGNALS:
    void progressChanged(double fraction, const QString& message);
    void logAppended(const QString& text);
    void summaryChanged(const QString& summary);
    void staleChanged(bool stale);
    void jobFinished(JobState state);

protected:
    void setProgress(double fraction, const QString& message);
    void appendLog(const QString& text);
    void finish(JobState state, const QString& summary);

    bool m_cancelRequested = false;

private:
    QString m_title, m_snapshotKey;
    JobState m_state = JobState::Running;
    double m_progress = -1.0;
    QString m_message, m_log, m_summary;
    bool m_stale = false;
    QElapsedTimer m_clock;
    double m_seconds = -1.0;
};

// A child process in its own process group, so cancelling also stops what it started (compilers, Verilator,
// Yosys). Progress comes from "[i/n]" at the start of an output line; the summary from a function of the
// whole output and the exit code.
class ProcessJob : public Job {
    Q_OBJECT
public:
    using Summariser = std::function<QString(const QString& output, int exitCode, JobState& state)>;

    ProcessJob(QString title, QString snapshotKey, QString program, QStringList arguments, Summariser summariser,
        QObject* parent = nullptr);
    ~ProcessJob() override;

    void setWorkingDirectory(const QString& dir) { m_workingDirectory = dir; }
    qint64 processId() const { return m_pid; } // also the process group id; 0 before start
    void start() override;
    void cancel() override;

private:
    void readOutput();

    QString m_program;
    QStringList m_arguments;
    QString m_workingDirectory;
    Summariser m_summariser;
    QProcess* m_process;
    qint64 m_pid = 0;
    QString m_pending; // partial output line
};

// A core function on a worker thread. `work` reports through the Progress it is given (thread-safe: the
// job forwards reports to the GUI thread) and returns the summary; luthier::Error fails the job with its
// message, Cancelled cancels it. `done` runs on the GUI thread after success (e.g. to show a placement).
class ThreadJob : public Job {
    Q_OBJECT
public:
    using Work = std::function<QString(Progress& progress)>;

    ThreadJob(
        QString title, QString snapshotKey, Work work, std::function<void()> done = {}, QObject* parent = nullptr);
    ~ThreadJob() override;

    void start() override;
    void cancel() override;

private:
    class ForwardingProgress;
    Work m_work;
    std::function<void()> m_done;
    std::shared_ptr<ForwardingProgress> m_progress;
    QFutureWatcher<void> m_watcher;
    QString m_result, m_error;
    bool m_cancelled = false;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    // Takes ownership and starts the job.
    void start(Job* job);
    const QList<Job*>& jobs() const { return m_jobs; }
    bool anyRunning() const;
    void cancelAll();
    // The current project's snapshot key: jobs of other snapshots become stale, matching ones fresh again
    // (an edit that is undone restores the key).
    void setProjectKey(const QString& key);
    QString projectKey() const { return m_projectKey; }

Q_SIGNALS:
    void jobAdded(luthier::widgets::Job* job);
    void jobFinished(luthier::widgets::Job* job); // the notification: title, state and summary are final

private:
    QList<Job*> m_jobs;
    QString m_projectKey;
};

} // namespace luthier::widgets
