#include "jobs_panel.h"

#include "jobs_commands.h"
#include "jobs_runner.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace luthier::widgets {

namespace {

// One job in the list: title and state, progress bar, cancel button, summary.
class JobRow : public QWidget {
public:
    JobRow(Job* job, QWidget* parent)
        : QWidget(parent)
        , m_job(job)
        , m_title(new QLabel(this))
        , m_bar(new QProgressBar(this))
        , m_cancel(new QToolButton(this))
        , m_summary(new QLabel(this))
    {
        m_cancel->setText(tr("Cancel"));
        m_cancel->setToolTip(tr("Stop this job"));
        m_bar->setRange(0, 1000);
        m_bar->setTextVisible(true);
        m_summary->setWordWrap(true);
        m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto* top = new QHBoxLayout;
        top->addWidget(m_title);
        top->addWidget(m_bar, 1);
        top->addWidget(m_cancel);
        auto* layout = new QVBoxLayout(this);
        layout->setContentsMargins(6, 4, 6, 4);
        layout->setSpacing(2);
        layout->addLayout(top);
        layout->addWidget(m_summary);
        connect(m_cancel, &QToolButton::clicked, job, &Job::cancel);
        connect(job, &Job::progressChanged, this, [this] { refresh(); });
        connect(job, &Job::jobFinished, this, [this] { refresh(); });
        connect(job, &Job::staleChanged, this, [this] { refresh(); });
        refresh();
    }

    void refresh()
    {
        const bool stale = m_job->stale();
        m_title->setText(QStringLiteral("<b>%1</b> · %2%3")
                             .arg(m_job->title().toHtmlEscaped(), toString(m_job->state()),
                                 stale ? tr(" · <span style='color:#b07000'>stale</span>") : QString()));
        m_title->setToolTip(stale
                ? tr("The project changed since this job started; its result describes the older project.")
                : QString());
        if (m_job->progress() < 0 && !m_job->finished()) {
            m_bar->setRange(0, 0); // busy indicator until the tool reports a fraction
        } else {
            m_bar->setRange(0, 1000);
            m_bar->setValue(int(std::clamp(m_job->progress(), 0.0, 1.0) * 1000));
        }
        m_bar->setFormat(m_job->finished() ? tr("%1 s").arg(m_job->seconds(), 0, 'f', 1) : QStringLiteral("%p%"));
        m_cancel->setEnabled(!m_job->finished());
        QString text = m_job->finished() ? m_job->summary() : m_job->progressMessage();
        QString colour;
        if (m_job->state() == JobState::Succeeded)
            colour = stale ? QStringLiteral("#808080") : QStringLiteral("#1a8a1a");
        else if (m_job->state() == JobState::Failed)
            colour = QStringLiteral("#d02020");
        m_summary->setText(colour.isEmpty()
                ? text.toHtmlEscaped()
                : QStringLiteral("<span style='color:%1'>%2</span>").arg(colour, text.toHtmlEscaped()));
    }

private:
    Job* m_job;
    QLabel* m_title;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
    QLabel* m_summary;
};

} // namespace

JobsPanel::JobsPanel(QWidget* parent)
    : QWidget(parent)
    , m_runner(new JobRunner(this))
    , m_workDirectory(QDir::temp().filePath(QStringLiteral("luthier-jobs")))
    , m_list(new QListWidget(this))
    , m_log(new QPlainTextEdit(this))
    , m_notification(new QLabel(this))
{
    auto* buttons = new QHBoxLayout;
    const std::pair<QString, Job* (JobsPanel::*)()> actions[] = {
        { tr("Compile"), &JobsPanel::compile },
        { tr("Place"), &JobsPanel::place },
        { tr("Verify"), &JobsPanel::verify },
        { tr("Synthesise"), &JobsPanel::synthesise },
        { tr("Explore"), &JobsPanel::explore },
        { tr("Export"), &JobsPanel::exportVivado },
    };
    const QString tips[] = { tr("Compile the model to Verilog with golden-model test vectors (luthier-cli compile)"),
        tr("Place the design on the project's device and show it in the floorplan"),
        tr("Run the compiled design's test vectors through Verilator, bit-exact against the golden model"),
        tr("Synthesise the compiled layers with Yosys and compare LUTs with the estimate"),
        tr("Sweep weight bit-widths 1..8 and measure accuracy and LUTs"),
        tr("Write a Vivado project with the project's pblocks") };
    int i = 0;
    for (const auto& [text, slot] : actions) {
        auto* b = new QPushButton(text, this);
        b->setToolTip(tips[i++]);
        connect(b, &QPushButton::clicked, this, [this, slot = slot] { (this->*slot)(); });
        buttons->addWidget(b);
    }
    buttons->addStretch();

    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("The selected job's output appears here."));
    m_log->setMaximumBlockCount(20000);
    m_notification->setWordWrap(true);
    m_notification->setTextInteractionFlags(Qt::TextSelectableByMouse);

    tintSelection();

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_list);
    split->addWidget(m_log);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(buttons);
    layout->addWidget(m_notification);
    layout->addWidget(split, 1);

    connect(m_runner, &JobRunner::jobAdded, this, &JobsPanel::addRow);
    connect(m_runner, &JobRunner::jobFinished, this, [this](Job* job) {
        const bool ok = job->state() == JobState::Succeeded;
        const QString colour = ok                 ? QStringLiteral("#1a8a1a")
            : job->state() == JobState::Cancelled ? QStringLiteral("#808080")
                                                  : QStringLiteral("#d02020");
        m_notification->setText(QStringLiteral("<span style='color:%1'>%2 %3: %4</span>")
                                    .arg(colour, ok ? QStringLiteral("✓") : QStringLiteral("✗"),
                                        job->title().toHtmlEscaped(), job->summary().toHtmlEscaped()));
        Q_EMIT notify(job->title(), job->summary(), ok);
    });
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_runner->jobs().size()) showLog(m_runner->jobs()[row]);
    });
}

void JobsPanel::setProjectProvider(std::function<project::Project()> provider)
{
    m_provider = std::move(provider);
}

void JobsPanel::setWorkDirectory(const QString& dir)
{
    m_workDirectory = dir;
}

QString JobsPanel::designDirectory() const
{
    return QDir(m_workDirectory).filePath(QStringLiteral("design"));
}

void JobsPanel::projectChanged()
{
    if (m_provider) m_runner->setProjectKey(projectKey(m_provider()));
}

Job* JobsPanel::launch(Job* job)
{
    m_runner->start(job);
    return job;
}

QString JobsPanel::designKeyFile() const
{
    return designDirectory() + QStringLiteral(".key");
}

Job* JobsPanel::withCurrentDesign(const std::function<Job*()>& startJob)
{
    if (!m_provider) return nullptr;
    const auto start = [this, startJob]() -> Job* {
        try {
            return startJob();
        } catch (const Error& e) {
            m_notification->setText(QString::fromStdString(e.what()));
            return nullptr;
        }
    };
    QFile keyFile(designKeyFile());
    const bool compiled = QFileInfo::exists(QDir(designDirectory()).filePath(QStringLiteral("manifest.json")));
    if (compiled && keyFile.open(QIODevice::ReadOnly)
        && QString::fromLatin1(keyFile.readAll()) == projectKey(m_provider()))
        return start();
    // Verifying or exporting the old design would report on hardware the project no longer describes.
    Job* first = compile();
    if (!first) return nullptr;
    m_notification->setText(compiled
            ? tr("The design was compiled from an earlier state of the project: compiling it again first.")
            : tr("No compiled design yet: compiling the project first."));
    connect(first, &Job::jobFinished, this, [this, first, start](JobState state) {
        if (state != JobState::Succeeded) return;
        // An edit during the compile: the new design already differs from the project, so the chained job
        // would report on it as current. Say so instead.
        if (first->snapshotKey() != projectKey(m_provider()))
            m_notification->setText(tr("The project changed while it was compiling: run the job again."));
        else
            start();
    });
    return first;
}

Job* JobsPanel::compile()
{
    if (!m_provider) return nullptr;
    const project::Project p = m_provider();
    if (p.modelPath.empty()) {
        m_notification->setText(tr("The project has no model to compile."));
        return nullptr;
    }
    QDir().mkpath(designDirectory());
    Job* job = nullptr;
    try {
        job = makeCompileJob(p, designDirectory());
    } catch (const Error& e) {
        m_notification->setText(tr("Cannot compile: %1").arg(QString::fromStdString(e.what())));
        return nullptr;
    }
    // Connected before anything that chains on this compile, so the key is on disk when the next job starts. A
    // failed compile leaves the old folder, and so the old key, in place.
    connect(job, &Job::jobFinished, this, [this, job](JobState state) {
        if (state != JobState::Succeeded) return;
        try {
            util::writeFileAtomic(designKeyFile().toStdString(), job->snapshotKey().toStdString());
        } catch (const Error& e) {
            m_notification->setText(QString::fromStdString(e.what()));
        }
    });
    return launch(job);
}

Job* JobsPanel::place()
{
    if (!m_provider) return nullptr;
    return launch(makePlaceJob(m_provider(), [this](const PlacedProject& result) { Q_EMIT placed(result); }));
}

Job* JobsPanel::verify()
{
    return withCurrentDesign([this] { return launch(makeVerifyJob(m_provider(), designDirectory())); });
}

Job* JobsPanel::synthesise()
{
    return withCurrentDesign([this] { return launch(makeSynthJob(m_provider(), designDirectory())); });
}

Job* JobsPanel::implement()
{
    if (!m_provider) return nullptr;
    const project::Project p = m_provider();
    if (!p.devicePart.starts_with("ice40")) {
        m_notification->setText(tr("Implement runs the open iCE40 flow: set the project's part to ice40up5k or "
                                   "ice40hx8k first (Xilinx parts: Export Vivado Project)."));
        return nullptr;
    }
    return withCurrentDesign([this] { return launch(makeImplementJob(m_provider(), designDirectory())); });
}

Job* JobsPanel::explore()
{
    if (!m_provider) return nullptr;
    const project::Project p = m_provider();
    if (!p.dataset.attached()) {
        m_notification->setText(tr("Attach a dataset (inputs and labels) to explore bit-widths."));
        return nullptr;
    }
    return launch(makeExploreJob(p));
}

Job* JobsPanel::exportVivado()
{
    return exportVivadoTo(QDir(m_workDirectory).filePath(QStringLiteral("vivado")));
}

Job* JobsPanel::exportVivadoTo(const QString& outDir)
{
    return withCurrentDesign([this, outDir] { return launch(makeExportJob(m_provider(), designDirectory(), outDir)); });
}

void JobsPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) tintSelection();
    QWidget::changeEvent(event);
}

void JobsPanel::tintSelection()
{
    // A light tint of the highlight over the list's base marks the job whose log is shown: the rows' texts and
    // coloured summaries stay readable on it in either theme, which they are not on the full highlight colour.
    // A palette role, not a style sheet: the style sheet kept the rows in the theme they were made in.
    const QPalette app = QApplication::palette();
    const QColor base = app.color(QPalette::Base), highlight = app.color(QPalette::Highlight);
    const auto mix = [](int a, int b) { return (a * 82 + b * 18) / 100; };
    QPalette p = m_list->palette();
    for (QPalette::ColorGroup group : { QPalette::Active, QPalette::Inactive }) {
        p.setColor(group, QPalette::Highlight,
            QColor(mix(base.red(), highlight.red()), mix(base.green(), highlight.green()),
                mix(base.blue(), highlight.blue())));
        p.setColor(group, QPalette::HighlightedText, app.color(QPalette::Text));
    }
    m_list->setPalette(p);
}

void JobsPanel::addRow(Job* job)
{
    auto* item = new QListWidgetItem(m_list);
    auto* row = new JobRow(job, m_list);
    item->setSizeHint(row->sizeHint());
    m_list->setItemWidget(item, row);
    connect(job, &Job::jobFinished, this, [item, row] { item->setSizeHint(row->sizeHint()); });
    m_list->setCurrentItem(item);
}

void JobsPanel::showLog(Job* job)
{
    if (m_shown) disconnect(m_shown, &Job::logAppended, this, nullptr);
    m_shown = job;
    m_log->setPlainText(job->log());
    connect(job, &Job::logAppended, this, [this](const QString& text) {
        m_log->moveCursor(QTextCursor::End);
        m_log->insertPlainText(text);
        m_log->verticalScrollBar()->setValue(m_log->verticalScrollBar()->maximum());
    });
}

} // namespace luthier::widgets
