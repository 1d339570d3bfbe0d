#pragma once
// The workbench window: the layer graph in the centre, docks for the layer list, inspector, statistics
// and undo history, menus and a toolbar over one Document. Opening, importing and saving go through
// here so errors, recent files and the unsaved-changes prompt behave the same from every entry point
// (menus, drag and drop, the command line).

#include <QFutureWatcher>
#include <QMainWindow>
#include <functional>
#include <memory>

class QDockWidget;
class QItemSelectionModel;
class QLabel;
class QMenu;
class QProgressBar;

namespace luthier::widgets {

class Document;
class ExplainerPanel;
class FloorplanPanel;
class JobsPanel;
class LayerGraphView;
class LayerInspector;
class LayerTableModel;
class StatisticsPanel;
struct ExplainerSource;
struct PlacedProject;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a .luthier project or imports an .onnx model, after offering to save unsaved changes.
    // Failures are shown in a message box and leave the current document as it was; returns success.
    // The file is read and imported on a worker thread while the window keeps painting and its menus answer;
    // the document's views are disabled until the new document is in, and a second open meanwhile is refused.
    bool openPath(const QString& path);
    bool opening() const { return m_opening; } // also while a dataset being attached is read
    // Offers to recover the unsaved work of sessions that ended without saving (autosave.h), one copy at
    // a time in a non-blocking "recoveryBox" (Recover / Discard / Decide Later). Called once at start-up.
    void offerRecovery();
    // Reads a Vivado utilisation report of the exported compiled design (Project > Import Vivado Report) and
    // shows Vivado's per-layer LUTs beside the estimates; errors go to a message box. Returns success.
    bool importVivadoReport(const QString& path);
    // Attaches a dataset (Project > Attach Dataset after its two file dialogs) once both files load as samples
    // and labels of the open model; otherwise shows why in a message box and leaves the project as it was.
    bool attachDatasetFiles(const QString& inputs, const QString& labels);

    Document* document() const { return m_document; }
    LayerTableModel* layerModel() const { return m_layerModel; }
    QItemSelectionModel* selectionModel() const { return m_selection; }
    LayerGraphView* graphView() const { return m_graph; }
    LayerInspector* inspector() const { return m_inspector; }
    StatisticsPanel* statistics() const { return m_statistics; }
    FloorplanPanel* floorplan() const { return m_floorplan; }
    JobsPanel* jobs() const { return m_jobs; }
    ExplainerPanel* explainer() const { return m_explainer; }
    // True from the start of the explainer's background compile until its result is shown (tests wait on it).
    bool explainerLoading() const { return m_explainerPending; }
    void selectLayer(int layer);

    static QString examplePath(); // the bundled example project, or empty when it is not installed

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    // Runs `work` on the worker pool and returns when it is done. The event loop runs meanwhile, so the window
    // repaints and its menus answer, but the document's views are disabled: what is read replaces or changes it.
    void runKeepingResponsive(const QString& message, const std::function<void()>& work);
    void createDocks();
    bool maybeSave(); // false: the user cancelled
    bool save();
    bool saveAs();
    void newProject();
    void open();
    void importModel();
    void attachDataset();
    void detachDataset();
    void openExample();
    void showGuide();
    void about();
    void showError(const QString& title, const QString& message);
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void saveRecentFiles(); // in the background
    void updateTitle();
    void updateStatus();
    void onDocumentReset();
    void createFloorplanDock();
    void createJobsDock();
    void createExplainerDock();
    void resetFloorplan();
    void exportVivado(); // asks for the folder, then runs the export job
    void onPlaced(const PlacedProject& result);
    void loadExplainer();
    void onExplainerLoaded();
    void syncExplainerLayer();
    QString workDirectory() const;
    QDockWidget* addDock(const QString& title, const QString& objectName, QWidget* widget, Qt::DockWidgetArea area);

    Document* m_document;
    LayerTableModel* m_layerModel;
    QItemSelectionModel* m_selection;
    LayerGraphView* m_graph;
    LayerInspector* m_inspector = nullptr;
    StatisticsPanel* m_statistics = nullptr;
    FloorplanPanel* m_floorplan = nullptr;
    JobsPanel* m_jobs = nullptr;
    ExplainerPanel* m_explainer = nullptr;
    QLabel* m_explainerNote = nullptr; // why the explainer is empty (no dataset, unsupported model, ...)
    struct ExplainerLoad {
        std::shared_ptr<const ExplainerSource> source;
        QString error;
    };
    QFutureWatcher<ExplainerLoad> m_explainerWatcher;
    bool m_explainerReload = false; // the project changed while the explainer was loading
    bool m_explainerPending = false;
    bool m_opening = false;
    QMenu* m_recentMenu = nullptr;
    QStringList m_recentFiles; // as saved in the settings, newest first
    QMenu* m_viewMenu = nullptr;
    QLabel* m_modelStatus;
    QLabel* m_costStatus;
    QProgressBar* m_busy;
};

} // namespace luthier::widgets
