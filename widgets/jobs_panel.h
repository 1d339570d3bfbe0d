#pragma once
// The jobs dock: buttons that start compile, place, verify, synthesise, explore and export on a snapshot
// of the project, one row per job (progress bar, state, summary, cancel button; "stale" once the project
// has changed since the job's snapshot), the selected job's log, and a notification line when a job ends.

#include "floorplan_job.h"
#include "project/project_file.h"

#include <QWidget>
#include <functional>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace luthier::widgets {

class Job;
class JobRunner;

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(QWidget* parent = nullptr);

    JobRunner* runner() const { return m_runner; }
    // Where the current project comes from (copied when a job starts) and where compiled designs go.
    void setProjectProvider(std::function<project::Project()> provider);
    void setWorkDirectory(const QString& dir);
    QString designDirectory() const;
    // Call after every project change: marks the jobs of other snapshots stale.
    void projectChanged();

    // Start a job (the buttons call these). Each returns the job, or nullptr when it cannot start (the
    // notification line says why). Verify, synthesise and export need a design compiled from the project as it
    // is now: when the design folder is missing or was compiled from another snapshot, they start a compile
    // and return it, and their own job follows once that compile has succeeded.
    Job* compile();
    Job* place();
    Job* verify();
    Job* synthesise();
    Job* implement(); // iCE40 parts only
    Job* explore();
    Job* exportVivado(); // into <work directory>/vivado
    Job* exportVivadoTo(const QString& outDir);

Q_SIGNALS:
    void placed(const luthier::widgets::PlacedProject& result); // a place job finished
    void notify(const QString& title, const QString& message, bool success); // a job ended

protected:
    void changeEvent(QEvent* event) override;

private:
    void tintSelection();
    Job* launch(Job* job);
    void addRow(Job* job);
    void showLog(Job* job);
    // The snapshot key of the project the design folder was compiled from, written when a compile succeeds.
    QString designKeyFile() const;
    Job* withCurrentDesign(const std::function<Job*()>& start);

    JobRunner* m_runner;
    std::function<project::Project()> m_provider;
    QString m_workDirectory;
    QListWidget* m_list;
    QPlainTextEdit* m_log;
    QLabel* m_notification;
    Job* m_shown = nullptr;
};

} // namespace luthier::widgets
