#include "main_window.h"

#include "autosave.h"
#include "document.h"
#include "explainer_model.h"
#include "explainer_panel.h"
#include "floorplan_job.h"
#include "floorplan_panel.h"
#include "floorplan_pblocks.h"
#include "format.h"
#include "graph_view.h"
#include "jobs_panel.h"
#include "jobs_runner.h"
#include "layer_inspector.h"
#include "layer_table_model.h"
#include "sim/dataset.h"
#include "statistics_panel.h"
#include "theme.h"
#include "util/error.h"
#include "util/resource_paths.h"
#include "worker_pool.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDockWidget>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QUndoView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

static void initIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace luthier::widgets {

namespace {
constexpr int kMaxRecentFiles = 8;
const QString kRecentKey = QStringLiteral("recentFiles");

bool isOpenable(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("onnx") || suffix == QLatin1String("luthier");
}

// Its content at full size, scrolled when the dock is smaller: a panel's minimum then no longer decides the
// window's, which has to fit a 1366x768 laptop screen.
QScrollArea* scrollable(QWidget* content)
{
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    return scroll;
}

QIcon icon(const char* name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_document(new Document(this))
    , m_layerModel(new LayerTableModel(m_document, this))
    , m_selection(new QItemSelectionModel(m_layerModel, this))
    , m_graph(new LayerGraphView(m_document, m_selection, this))
    , m_modelStatus(new QLabel(this))
    , m_costStatus(new QLabel(this))
    , m_busy(new QProgressBar(this))
{
    initIconResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(icon("luthier"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    setCentralWidget(m_graph);

    createDocks();
    createActions();

    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->setToolTip(tr("Recomputing statistics, costs and accuracy in the background"));
    m_busy->hide();
    statusBar()->addWidget(m_modelStatus, 1);
    statusBar()->addPermanentWidget(m_costStatus);
    statusBar()->addPermanentWidget(m_busy);

    connect(m_document, &Document::documentReset, this, &MainWindow::onDocumentReset);
    connect(m_document, &Document::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &Document::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &Document::analysisUpdated, this, &MainWindow::updateStatus);
    connect(m_document, &Document::analysisRunningChanged, m_busy, &QWidget::setVisible);
    connect(&m_explainerWatcher, &QFutureWatcher<ExplainerLoad>::finished, this, &MainWindow::onExplainerLoaded);

    // Unsaved edits are copied to the recovery folder every minute; a clean save or quit removes the copy.
    auto* autosave = new AutosaveController(m_document);
    connect(autosave, &AutosaveController::recoveryFailed, this,
        [this](const QString& message) { statusBar()->showMessage(message, 30000); });

    // 1600x1000, or less on a smaller screen (a 1366x768 laptop): the window manager's title bar and frame,
    // taken as 48 pixels, come on top, and the status bar with the LUT total must stay on the screen.
    if (const QScreen* s = screen())
        resize(QSize(1600, 1000).boundedTo(s->availableGeometry().size() - QSize(0, 48)));
    else
        resize(1600, 1000);
    // Dock sizes for 1600x1000, scaled down on a smaller screen so the right column keeps room for the job list.
    const double scale = std::min(1.0, height() / 1000.0);
    const auto scaled = [scale](int size) { return int(size * scale); };
    resizeDocks({ findChild<QDockWidget*>(QStringLiteral("layersDock")),
                    findChild<QDockWidget*>(QStringLiteral("inspectorDock")) },
        { 390, 400 }, Qt::Horizontal);
    resizeDocks({ findChild<QDockWidget*>(QStringLiteral("statisticsDock")) }, { scaled(310) }, Qt::Vertical);
    // The inspector's editable fields matter more than the job list, which scrolls.
    resizeDocks({ findChild<QDockWidget*>(QStringLiteral("inspectorDock")),
                    findChild<QDockWidget*>(QStringLiteral("jobsDock")) },
        { scaled(430), scaled(240) }, Qt::Vertical);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    updateTitle();
    updateStatus();
}

MainWindow::~MainWindow()
{
    m_jobs->runner()->cancelAll();
    m_explainerWatcher.waitForFinished(); // the worker reads nothing of ours, but must not outlive the app
}

QDockWidget* MainWindow::addDock(
    const QString& title, const QString& objectName, QWidget* widget, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName); // saveState() needs stable names
    dock->setWidget(widget);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    auto* table = new QTableView(this);
    table->setObjectName(QStringLiteral("layerTable"));
    table->setModel(m_layerModel);
    table->setSelectionModel(m_selection);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    connect(m_selection, &QItemSelectionModel::currentRowChanged, table,
        [table](const QModelIndex& current) { table->scrollTo(current); });
    // Vivado's column appears once a report has been imported for this project.
    table->setColumnHidden(LayerTableModel::VivadoLuts, true);
    connect(m_document, &Document::vivadoUtilizationChanged, table, [this, table] {
        table->setColumnHidden(LayerTableModel::VivadoLuts, m_document->vivadoReportPath().isEmpty());
    });
    connect(m_document, &Document::documentReset, table,
        [table] { table->setColumnHidden(LayerTableModel::VivadoLuts, true); });
    QDockWidget* layers = addDock(tr("Layers"), QStringLiteral("layersDock"), table, Qt::LeftDockWidgetArea);

    auto* history = new QUndoView(m_document->undoStack(), this);
    history->setEmptyLabel(tr("<opened>"));
    QDockWidget* undo = addDock(tr("History"), QStringLiteral("historyDock"), history, Qt::LeftDockWidgetArea);
    tabifyDockWidget(layers, undo);
    layers->raise();

    m_inspector = new LayerInspector(m_document, m_selection, this);
    m_inspector->setObjectName(QStringLiteral("inspector"));
    addDock(tr("Inspector"), QStringLiteral("inspectorDock"), m_inspector, Qt::RightDockWidgetArea);

    m_statistics = new StatisticsPanel(m_document, m_selection, this);
    m_statistics->setObjectName(QStringLiteral("statistics"));
    addDock(tr("Statistics"), QStringLiteral("statisticsDock"), m_statistics, Qt::BottomDockWidgetArea);
    // The plots span the window's width; the side docks end above them.
    setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);

    createJobsDock();
    createFloorplanDock();
    createExplainerDock();
}

void MainWindow::createJobsDock()
{
    m_jobs = new JobsPanel(this);
    m_jobs->setObjectName(QStringLiteral("jobs"));
    // Jobs copy the project when they start, so editing while they run is safe.
    m_jobs->setProjectProvider([this] { return m_document->project(); });
    m_jobs->setWorkDirectory(workDirectory());
    connect(m_document, &Document::layerOverrideChanged, m_jobs, &JobsPanel::projectChanged);
    connect(m_document, &Document::datasetChanged, m_jobs, &JobsPanel::projectChanged);
    connect(m_document, &Document::constraintsChanged, m_jobs, &JobsPanel::projectChanged);
    connect(m_document, &Document::filePathChanged, this, [this] { m_jobs->setWorkDirectory(workDirectory()); });
    connect(m_jobs, &JobsPanel::placed, this, &MainWindow::onPlaced);
    connect(m_jobs, &JobsPanel::notify, this, [this](const QString& title, const QString& message, bool) {
        statusBar()->showMessage(QStringLiteral("%1: %2").arg(title, message), 15000);
        QApplication::alert(this);
    });
    QDockWidget* dock = addDock(tr("Jobs"), QStringLiteral("jobsDock"), scrollable(m_jobs), Qt::RightDockWidgetArea);
    splitDockWidget(findChild<QDockWidget*>(QStringLiteral("inspectorDock")), dock, Qt::Vertical);
}

void MainWindow::createFloorplanDock()
{
    m_floorplan = new FloorplanPanel(m_document->undoStack(), this);
    m_floorplan->setObjectName(QStringLiteral("floorplan"));
    // The pblock model records its own undo commands on the document's stack; the document keeps the
    // resulting constraints so they are saved and given to place jobs.
    connect(m_floorplan->pblocks(), &PblockModel::constraintsChanged, this,
        [this] { m_document->setConstraints(m_floorplan->pblocks()->constraints()); });
    connect(m_floorplan, &FloorplanPanel::layerSelected, this, [this](const QString& name) {
        const int layer = m_document->layerIndex(name.toStdString());
        if (layer >= 0) selectLayer(layer);
    });
    connect(m_selection, &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        const ir::Graph* graph = m_document->graph();
        if (graph && current.isValid() && current.row() < int(graph->layers.size()))
            m_floorplan->setSelectedLayer(QString::fromStdString(graph->layers[size_t(current.row())].name));
    });
    QDockWidget* dock
        = addDock(tr("Floorplan"), QStringLiteral("floorplanDock"), scrollable(m_floorplan), Qt::BottomDockWidgetArea);
    tabifyDockWidget(findChild<QDockWidget*>(QStringLiteral("statisticsDock")), dock);
}

void MainWindow::createExplainerDock()
{
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    m_explainerNote = new QLabel(box);
    m_explainerNote->setObjectName(QStringLiteral("explainerNote"));
    m_explainerNote->setWordWrap(true);
    m_explainerNote->setAlignment(Qt::AlignCenter);
    m_explainer = new ExplainerPanel(box);
    m_explainer->setObjectName(QStringLiteral("explainer"));
    m_explainer->hide();
    layout->addWidget(m_explainerNote);
    layout->addWidget(m_explainer, 1);
    connect(m_document, &Document::datasetChanged, this, &MainWindow::loadExplainer);
    connect(m_selection, &QItemSelectionModel::currentRowChanged, this, &MainWindow::syncExplainerLayer);
    QDockWidget* dock
        = addDock(tr("LUT Explainer"), QStringLiteral("explainerDock"), scrollable(box), Qt::BottomDockWidgetArea);
    tabifyDockWidget(findChild<QDockWidget*>(QStringLiteral("floorplanDock")), dock);
    findChild<QDockWidget*>(QStringLiteral("statisticsDock"))->raise();
}

QString MainWindow::workDirectory() const
{
    // Beside the project when its folder is writable (the user finds the design there), else in the
    // cache (unsaved projects, the installed read-only example).
    const QString path = m_document->filePath();
    if (!path.isEmpty()) {
        const QFileInfo info(path);
        if (QFileInfo(info.absolutePath()).isWritable())
            return info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral(".build"));
    }
    QString name = m_document->graph() ? QString::fromStdString(m_document->graph()->name) : QStringLiteral("untitled");
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    if (name.isEmpty() || name.startsWith(QLatin1Char('.'))) name.prepend(QStringLiteral("model"));
    return QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation))
        .filePath(QStringLiteral("builds/") + name);
}

void MainWindow::resetFloorplan()
{
    m_floorplan->pblocks()->resetConstraints(m_document->project().constraints);
    try {
        // The device grid alone until a place job delivers units and heatmaps.
        m_floorplan->setFloorplan(buildFloorplanData(projectDevice(m_document->project()), nullptr, nullptr));
    } catch (const Error& e) {
        m_floorplan->setFloorplan(nullptr);
        statusBar()->showMessage(tr("Floorplan: %1").arg(QString::fromUtf8(e.what())), 15000);
    }
}

void MainWindow::onPlaced(const PlacedProject& result)
{
    m_floorplan->setFloorplan(result.floorplan);
    if (QDockWidget* dock = findChild<QDockWidget*>(QStringLiteral("floorplanDock"))) {
        dock->show();
        dock->raise();
    }
}

void MainWindow::loadExplainer()
{
    if (m_explainerWatcher.isRunning()) {
        m_explainerReload = true;
        return;
    }
    m_explainer->setSource(nullptr);
    m_explainer->hide();
    m_explainerNote->show();
    const project::Project& project = m_document->project();
    if (project.modelPath.empty()) {
        m_explainerNote->setText(
            tr("Open a project or import a model to see how its dot products become table lookups."));
        return;
    }
    if (project.dataset.inputs.empty()) {
        m_explainerNote->setText(tr(
            "Attach a dataset (Project \u2192 Attach Dataset) to step through one of its samples, lookup by lookup."));
        return;
    }
    m_explainerNote->setText(tr("Compiling %1 to TLMAC arrays for the explainer\u2026")
                                 .arg(QString::fromStdString(m_document->graph()->name)));
    m_explainerPending = true;
    m_explainerWatcher.setFuture(QtConcurrent::run(workerPool(), [options = pipeline::fromProject(project)] {
        lowerThreadPriority();
        ExplainerLoad load;
        try {
            load.source = std::make_shared<const ExplainerSource>(loadExplainerSource(options, 0));
        } catch (const std::exception& e) {
            load.error = QString::fromUtf8(e.what());
        }
        return load;
    }));
}

void MainWindow::onExplainerLoaded()
{
    m_explainerPending = false;
    if (m_explainerReload) {
        m_explainerReload = false;
        loadExplainer();
        return;
    }
    const ExplainerLoad load = m_explainerWatcher.result();
    if (!load.source) {
        m_explainerNote->setText(tr("The explainer cannot show this model: %1").arg(load.error));
        return;
    }
    m_explainer->setSource(load.source);
    m_explainerNote->hide();
    m_explainer->show();
    syncExplainerLayer();
}

void MainWindow::syncExplainerLayer()
{
    const ir::Graph* graph = m_document->graph();
    const QModelIndex current = m_selection->currentIndex();
    if (!graph || !current.isValid() || m_explainer->isHidden() || current.row() >= int(graph->layers.size())) return;
    // The explainer lists the compiled design's layers; the selection is a model layer of the same name.
    const std::string& name = graph->layers[size_t(current.row())].name;
    const auto& layers = m_explainer->source()->design->layers;
    for (size_t i = 0; i < layers.size(); ++i)
        if (layers[i].name == name && layers[i].tlmac) m_explainer->selectLayer(int(i));
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAction = file->addAction(icon("document-new"), tr("&New Project"), this, &MainWindow::newProject);
    newAction->setShortcut(QKeySequence::New);
    QAction* openAction = file->addAction(icon("document-open"), tr("&Open\u2026"), this, &MainWindow::open);
    openAction->setShortcut(QKeySequence::Open);
    openAction->setToolTip(tr("Open a Luthier project or an ONNX model"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentFiles = QSettings().value(kRecentKey).toStringList();
    rebuildRecentMenu();
    QAction* importAction
        = file->addAction(icon("document-import"), tr("&Import Model\u2026"), this, &MainWindow::importModel);
    importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    file->addSeparator();
    QAction* saveAction = file->addAction(icon("document-save"), tr("&Save"), this, &MainWindow::save);
    saveAction->setShortcut(QKeySequence::Save);
    QAction* saveAsAction = file->addAction(tr("Save &As\u2026"), this, &MainWindow::saveAs);
    saveAsAction->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setIcon(icon("edit-undo"));
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    redo->setIcon(icon("edit-redo"));
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* projectMenu = menuBar()->addMenu(tr("&Project"));
    QAction* attach
        = projectMenu->addAction(icon("dataset"), tr("Attach &Dataset\u2026"), this, &MainWindow::attachDataset);
    attach->setToolTip(tr("Choose the inputs and labels the golden model measures accuracy on"));
    projectMenu->addAction(tr("D&etach Dataset"), this, &MainWindow::detachDataset);
    projectMenu->addSeparator();
    projectMenu->addAction(tr("Import &Vivado Report\u2026"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Vivado Utilisation Report"),
            QDir(workDirectory()).filePath(QStringLiteral("vivado/reports")),
            tr("Vivado utilisation reports (*.rpt *.xml);;All files (*)"));
        if (!path.isEmpty()) importVivadoReport(path);
    });

    // The same jobs as the Jobs dock's buttons, with shortcuts; they run in the background on a snapshot.
    QMenu* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(tr("&Compile"), m_jobs, &JobsPanel::compile)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    run->addAction(tr("&Verify (Verilator)"), m_jobs, &JobsPanel::verify)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    run->addAction(tr("&Place"), m_jobs, &JobsPanel::place)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    run->addAction(tr("&Synthesise (Yosys)"), m_jobs, &JobsPanel::synthesise);
    run->addAction(tr("&Implement (iCE40: nextpnr)"), m_jobs, &JobsPanel::implement);
    run->addAction(tr("E&xplore Bit-Widths"), m_jobs, &JobsPanel::explore);
    run->addSeparator();
    run->addAction(tr("&Export Vivado Project\u2026"), this, &MainWindow::exportVivado)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    run->addSeparator();
    run->addAction(tr("Cancel &All Jobs"), m_jobs->runner(), &JobRunner::cancelAll);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    QAction* fit = m_viewMenu->addAction(icon("zoom-fit"), tr("&Fit Graph"), m_graph, &LayerGraphView::fitToView);
    QMenu* themeMenu = m_viewMenu->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const Theme current = themeFromString(QSettings().value(QStringLiteral("theme")).toString());
    for (const auto& choice :
        { std::pair { Theme::System, tr("&System") }, { Theme::Light, tr("&Light") }, { Theme::Dark, tr("&Dark") } }) {
        const Theme theme = choice.first; // a plain variable: clang 14 cannot capture a structured binding
        QAction* a = themeMenu->addAction(choice.second);
        a->setCheckable(true);
        a->setChecked(theme == current);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [theme] {
            applyTheme(theme);
            QSettings().setValue(QStringLiteral("theme"), toString(theme));
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* example = help->addAction(icon("example"), tr("Open &Example"), this, &MainWindow::openExample);
    example->setToolTip(tr("Open the bundled TFC_2W2A MNIST example project"));
    help->addAction(tr("Workbench &Guide"), this, &MainWindow::showGuide)->setShortcut(QKeySequence::HelpContents);
    help->addSeparator();
    help->addAction(tr("&About Luthier"), this, &MainWindow::about)->setMenuRole(QAction::AboutRole);

    QToolBar* tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setIconSize(QSize(20, 20));
    tools->addAction(newAction);
    tools->addAction(openAction);
    tools->addAction(saveAction);
    tools->addAction(importAction);
    tools->addSeparator();
    tools->addAction(undo);
    tools->addAction(redo);
    tools->addSeparator();
    tools->addAction(attach);
    tools->addAction(fit);
    tools->addAction(example);
}

void MainWindow::runKeepingResponsive(const QString& message, const std::function<void()>& work)
{
    QFutureWatcher<void> watcher;
    QEventLoop loop;
    connect(&watcher, &QFutureWatcher<void>::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(QtConcurrent::run(workerPool(), [&work] {
        lowerThreadPriority();
        work();
    }));
    // The window keeps painting and answering its menus, but nothing may edit the document meanwhile: what is
    // being read replaces it or changes it.
    m_opening = true;
    centralWidget()->setEnabled(false);
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        dock->widget()->setEnabled(false);
    m_busy->show();
    statusBar()->showMessage(message);
    if (!watcher.isFinished()) loop.exec();
    m_opening = false;
    centralWidget()->setEnabled(true);
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        dock->widget()->setEnabled(true);
    m_busy->setVisible(m_document->analysisRunning());
    statusBar()->clearMessage();
}

bool MainWindow::openPath(const QString& path)
{
    if (m_opening || !maybeSave()) return false;
    const bool project = QFileInfo(path).suffix().compare(QLatin1String("onnx"), Qt::CaseInsensitive) != 0;
    // Importing a 50-layer CNN takes seconds.
    Document::Loaded loaded;
    QString error;
    runKeepingResponsive(tr("Opening %1\u2026").arg(QFileInfo(path).fileName()), [&] {
        try {
            loaded = project ? Document::readProject(path) : Document::readModel(path);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
    });
    if (!error.isEmpty()) {
        showError(project ? tr("Cannot open the project") : tr("Cannot import the model"), error);
        return false;
    }
    m_document->adopt(std::move(loaded));
    addRecentFile(path);
    return true;
}

bool MainWindow::importVivadoReport(const QString& path)
{
    try {
        m_document->importVivadoReport(path, m_jobs->designDirectory());
    } catch (const std::exception& e) {
        showError(tr("Cannot import the Vivado report"), QString::fromUtf8(e.what()));
        return false;
    }
    statusBar()->showMessage(
        tr("Vivado numbers from %1 are in the Layers table's last column.").arg(QFileInfo(path).fileName()), 15000);
    return true;
}

void MainWindow::exportVivado()
{
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Export Vivado Project Into"), QDir(workDirectory()).filePath(QStringLiteral("vivado")));
    if (!dir.isEmpty()) m_jobs->exportVivadoTo(dir);
}

void MainWindow::offerRecovery()
{
    const QList<RecoveryFile> found = findRecoveryFiles();
    if (found.isEmpty()) return;
    // One copy at a time, newest first; the next is offered when this one is answered. Non-blocking, like
    // showError, so the window stays responsive behind the question.
    const RecoveryFile& recovery = found.front();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Recover unsaved work"),
        tr("Luthier ended without saving %1. Its unsaved changes were copied on %2.\n\nRecover them?")
            .arg(recovery.displayName, QLocale().toString(recovery.savedAt, QLocale::LongFormat)),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("recoveryBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* recover = box->addButton(tr("Recover"), QMessageBox::AcceptRole);
    QPushButton* discard = box->addButton(tr("Discard"), QMessageBox::DestructiveRole);
    box->addButton(tr("Decide Later"), QMessageBox::RejectRole);
    recover->setObjectName(QStringLiteral("recoverButton"));
    discard->setObjectName(QStringLiteral("discardButton"));
    box->setDefaultButton(recover);
    connect(box, &QMessageBox::finished, this, [this, box, recover, discard, recovery] {
        if (box->clickedButton() == recover) {
            if (!maybeSave()) return;
            try {
                findChild<AutosaveController*>()->restore(recovery);
            } catch (const std::exception& e) {
                showError(tr("Cannot recover the project"), QString::fromUtf8(e.what()));
                return;
            }
        } else if (box->clickedButton() == discard) {
            discardRecovery(recovery);
        } else {
            return; // later: the copy stays for the next start
        }
        QTimer::singleShot(0, this, &MainWindow::offerRecovery);
    });
    box->open();
}

void MainWindow::showError(const QString& title, const QString& message)
{
    // Window-modal and non-blocking: scripts and tests keep running, the user still has to dismiss it.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified()) return true;
    const auto answer = QMessageBox::warning(this, tr("Unsaved changes"),
        tr("%1 has unsaved changes. Save them first?").arg(m_document->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

bool MainWindow::save()
{
    if (m_document->filePath().isEmpty()) return saveAs();
    try {
        m_document->saveAs(m_document->filePath());
    } catch (const std::exception& e) {
        showError(tr("Cannot save"), QString::fromUtf8(e.what()));
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(m_document->filePath()), 4000);
    return true;
}

bool MainWindow::saveAs()
{
    QString suggestion = m_document->filePath();
    if (suggestion.isEmpty() && m_document->graph())
        suggestion = QFileInfo(QString::fromStdString(m_document->project().modelPath))
                         .dir()
                         .filePath(QFileInfo(QString::fromStdString(m_document->project().modelPath)).completeBaseName()
                             + QStringLiteral(".luthier"));
    QString path
        = QFileDialog::getSaveFileName(this, tr("Save Project"), suggestion, tr("Luthier projects (*.luthier)"));
    if (path.isEmpty()) return false;
    if (!path.endsWith(QLatin1String(".luthier"))) path += QLatin1String(".luthier");
    try {
        m_document->saveAs(path);
    } catch (const std::exception& e) {
        showError(tr("Cannot save"), QString::fromUtf8(e.what()));
        return false;
    }
    addRecentFile(path);
    return true;
}

void MainWindow::newProject()
{
    if (maybeSave()) m_document->newProject();
}

void MainWindow::open()
{
    const QString path
        = QFileDialog::getOpenFileName(this, tr("Open"), QFileInfo(m_document->filePath()).absolutePath(),
            tr("Projects and models (*.luthier *.onnx);;Luthier projects (*.luthier);;ONNX models (*.onnx)"));
    if (!path.isEmpty()) openPath(path);
}

void MainWindow::importModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Model"), QString(), tr("ONNX models (*.onnx)"));
    if (!path.isEmpty()) openPath(path);
}

void MainWindow::attachDataset()
{
    if (!m_document->graph()) {
        showError(tr("No model"), tr("Open a project or import a model before attaching a dataset."));
        return;
    }
    const QString filter = tr("Arrays (*.npy *.csv)");
    const QString inputs = QFileDialog::getOpenFileName(this, tr("Dataset Inputs"), QString(), filter);
    if (inputs.isEmpty()) return;
    const QString labels
        = QFileDialog::getOpenFileName(this, tr("Dataset Labels"), QFileInfo(inputs).absolutePath(), filter);
    if (labels.isEmpty()) return;
    attachDatasetFiles(inputs, labels);
}

bool MainWindow::attachDatasetFiles(const QString& inputs, const QString& labels)
{
    // Checked here, not first in the background analysis: a dataset of another model (MNIST on the 16-input jet
    // tagger) was attached, its error clipped inside the accuracy plot, and the Explainer traced it anyway.
    // Reading a few megabytes of samples is off the GUI thread too.
    if (m_opening || !m_document->graph()) return false;
    QString error;
    runKeepingResponsive(tr("Reading %1\u2026").arg(QFileInfo(inputs).fileName()),
        [&, shape = m_document->graph()->layers.at(0).outShape] {
            try {
                const sim::Dataset samples = sim::loadInputs(inputs.toStdString(), shape);
                sim::loadLabels(labels.toStdString(), samples.count);
            } catch (const Error& e) {
                error = QString::fromUtf8(e.what());
            }
        });
    if (!error.isEmpty()) {
        showError(tr("Dataset does not fit the model"), error);
        return false;
    }
    m_document->editDataset(
        { inputs.toStdString(), labels.toStdString() }, tr("attach dataset %1").arg(QFileInfo(inputs).fileName()));
    return true;
}

void MainWindow::detachDataset()
{
    if (m_document->project().dataset.attached()) m_document->editDataset({}, tr("detach dataset"));
}

QString MainWindow::examplePath()
{
    try {
        return QString::fromStdString(util::resourcePath("examples/tfc_2w2a/tfc_2w2a.luthier").string());
    } catch (const Error&) {
        return {};
    }
}

void MainWindow::openExample()
{
    const QString path = examplePath();
    if (path.isEmpty())
        showError(tr("Example not found"), tr("The example project is not installed with this copy of Luthier."));
    else
        openPath(path);
}

void MainWindow::showGuide()
{
    // The guide ships next to the resources in an install and in the source tree's docs/.
    QStringList candidates;
    try {
        const auto resources = util::resourceDir();
        candidates << QString::fromStdString((resources / "docs" / "workbench.md").string())
                   << QString::fromStdString((resources.parent_path() / "docs" / "workbench.md").string());
    } catch (const Error&) {
    }
    for (const QString& candidate : candidates)
        if (QFileInfo::exists(candidate)) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(candidate));
            return;
        }
    showError(tr("Guide not found"), tr("docs/workbench.md is not installed with this copy of Luthier."));
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Luthier"),
        tr("<h3>Luthier %1</h3><p>A workbench for neural networks that run as lookup tables in FPGA soft logic: "
           "import a quantised ONNX model, study its weight groups and per-template costs, change bit-widths, "
           "and compile it to verified Verilog.</p><p>MIT licence. Methods from TLMAC, HGQ-LUT, LUT-NA and "
           "n-BQ-NN.</p>")
            .arg(QStringLiteral(LUTHIER_VERSION)));
}

void MainWindow::addRecentFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_recentFiles.removeAll(absolute);
    m_recentFiles.prepend(absolute);
    while (m_recentFiles.size() > kMaxRecentFiles)
        m_recentFiles.removeLast();
    saveRecentFiles();
    rebuildRecentMenu();
}

void MainWindow::saveRecentFiles()
{
    // Writing the settings file (locked, synced) took 20 to 60 ms of the GUI thread after every open on a busy
    // disk. One writer thread keeps the writes in order.
    static QThreadPool* writer = [] {
        auto* pool = new QThreadPool(QCoreApplication::instance());
        pool->setMaxThreadCount(1);
        return pool;
    }();
    writer->start([files = m_recentFiles] {
        QSettings settings;
        if (files.isEmpty())
            settings.remove(kRecentKey);
        else
            settings.setValue(kRecentKey, files);
    });
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList& files = m_recentFiles;
    for (const QString& path : files) {
        QAction* a = m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openPath(path); });
        a->setToolTip(path);
        a->setEnabled(QFileInfo::exists(path));
    }
    m_recentMenu->setEnabled(!files.isEmpty());
    if (!files.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear List"), this, [this] {
            m_recentFiles.clear();
            saveRecentFiles();
            rebuildRecentMenu();
        });
    }
}

void MainWindow::updateTitle()
{
    setWindowTitle(QStringLiteral("%1[*] \u2014 Luthier").arg(m_document->displayName()));
    setWindowModified(m_document->isModified());
}

void MainWindow::updateStatus()
{
    const ir::Graph* graph = m_document->graph();
    if (!graph) {
        m_modelStatus->setText(tr("No model. Open a project, import an ONNX model, or try Help \u2192 Open Example."));
        m_costStatus->clear();
        return;
    }
    m_modelStatus->setText(tr("%1 \u00b7 %2 layers \u00b7 %3 parameters \u00b7 %4 MACs/sample")
                               .arg(QString::fromStdString(graph->name))
                               .arg(graph->layers.size())
                               .arg(groupedNumber(graph->totalParameters()), groupedNumber(graph->totalMacs())));
    const AnalysisSnapshot& a = m_document->analysis();
    QStringList parts;
    if (a.hasCosts()) parts << tr("%1 LUTs (assigned templates)").arg(groupedNumber(a.totalLuts()));
    if (a.accuracy) parts << tr("accuracy %1 % on %2 samples").arg(100.0 * *a.accuracy, 0, 'f', 1).arg(a.samples);
    if (!a.error.empty()) parts << tr("analysis failed (hover for details)");
    m_costStatus->setText(parts.join(QStringLiteral("  \u00b7  ")));
    m_costStatus->setToolTip(QString::fromStdString(a.error));
}

void MainWindow::onDocumentReset()
{
    updateTitle();
    updateStatus();
    m_jobs->setWorkDirectory(workDirectory());
    m_jobs->projectChanged();
    resetFloorplan();
    loadExplainer();
    // Start on the first layer with weights: the inspector and plots then have something to say.
    if (const ir::Graph* graph = m_document->graph())
        for (size_t i = 0; i < graph->layers.size(); ++i)
            if (ir::hasWeights(graph->layers[i].kind)) {
                selectLayer(int(i));
                break;
            }
}

void MainWindow::selectLayer(int layer)
{
    m_selection->setCurrentIndex(
        m_layerModel->index(layer, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_opening || !maybeSave()) {
        event->ignore();
        return;
    }
    if (m_jobs->runner()->anyRunning()) {
        const auto answer = QMessageBox::question(this, tr("Jobs running"),
            tr("Background jobs are still running. Cancel them and quit?"), QMessageBox::Yes | QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_jobs->runner()->cancelAll();
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() && isOpenable(urls.front().toLocalFile()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() && isOpenable(urls.front().toLocalFile())) {
        event->acceptProposedAction();
        // After the drop has been answered: the drag's source waits for that while the file is read.
        QTimer::singleShot(0, this, [this, path = urls.front().toLocalFile()] { openPath(path); });
    }
}

} // namespace luthier::widgets
