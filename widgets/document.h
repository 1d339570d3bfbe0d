#pragma once
// The open project: the .luthier state, the imported model, the undo stack of user edits, and the
// background analysis that keeps statistics, costs and accuracy in step with the edits. Views observe
// its signals; only undo commands change overrides, so every change can be undone.

#include "export/utilization_report.h"
#include "ir/graph.h"
#include "layer_metrics.h"
#include "project/project_file.h"
#include "util/progress.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QUndoStack;

namespace luthier::widgets {

// One configuration whose accuracy the golden model measured in this session (for the scatter plot).
struct ExploredPoint {
    int64_t luts = 0;
    double accuracy = 0.0;
    QString description; // the overrides, e.g. "fc1 w3, fc2 a4" or "model defaults"
};

class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr);
    ~Document() override;

    const project::Project& project() const { return m_project; }
    const ir::Graph* graph() const { return m_graph.get(); }
    QString filePath() const { return m_filePath; } // empty until saved or opened
    QString displayName() const; // file name, or the model's name for an unsaved project
    QUndoStack* undoStack() const { return m_undoStack; }
    bool isModified() const;

    // What opening reads from disk. Reading is a pure function that may run on any thread (importing a 50-layer
    // CNN takes seconds, which the window must not spend frozen); adopt() then replaces the document at once.
    struct Loaded {
        project::Project project;
        std::shared_ptr<const ir::Graph> graph;
        QString path; // the project file; empty for an imported model, which has none until saved
    };
    static Loaded readProject(const QString& path); // throws luthier::Error
    static Loaded readModel(const QString& modelPath); // a new project around the model; throws luthier::Error
    void adopt(Loaded loaded);

    // Each replaces the whole document only when it succeeds; on failure it throws luthier::Error and
    // the current document is untouched.
    void newProject();
    void openProject(const QString& path) { adopt(readProject(path)); }
    void importModel(const QString& modelPath) { adopt(readModel(modelPath)); }
    void saveAs(const QString& path); // atomic (QSaveFile); becomes the document's path
    // A recovered project (autosave.h): modified, with `originalPath` (may be empty) as its file path.
    void restoreProject(project::Project project, const QString& originalPath);

    int layerIndex(const std::string& name) const; // -1 when absent
    quant::LayerOverride layerOverride(int layer) const;
    // Records an edit on the undo stack (text: what the user did) and applies it.
    void editLayerOverride(int layer, const quant::LayerOverride& after, const QString& text);
    // Applies without recording: for undo commands only.
    void setLayerOverride(int layer, const quant::LayerOverride& value);

    // The dataset the golden model measures accuracy on; undoable like every other edit.
    void editDataset(const project::DatasetPaths& dataset, const QString& text);
    void setDataset(const project::DatasetPaths& dataset); // for undo commands only

    // Placement constraints. The floorplan's pblock model records the undo commands (on this document's
    // stack) and hands the result here, so the project saves exactly what the floorplan shows.
    void setConstraints(const project::Constraints& constraints);

    // Vivado's numbers for the compiled design's layers, read back from a utilisation report of an exported
    // project (luthier-cli import-report does the same). Reading the report and matching its instances to
    // the design's layers happens here; the table shows them beside the estimates. Session data: not saved,
    // and cleared when another project opens. Throws luthier::Error (report or manifest unreadable, no
    // layer of the design in the report); the current numbers stay then.
    void importVivadoReport(const QString& reportPath, const QString& designDirectory);
    // The layer's row with the compiled design's estimate, or nullptr when no report covers it.
    const exporter::LayerUtilization* vivadoUtilization(const std::string& layer) const;
    QString vivadoReportPath() const { return m_vivadoReportPath; }

    const AnalysisSnapshot& analysis() const { return m_analysis; }
    // True from an edit until its results have been delivered (not just computed).
    bool analysisRunning() const { return m_analysisRunning; }
    const std::vector<ExploredPoint>& explored() const { return m_explored; }

Q_SIGNALS:
    void documentReset(); // a different model or project: views rebuild
    void layerOverrideChanged(int layer);
    void datasetChanged();
    void constraintsChanged();
    void filePathChanged();
    void modifiedChanged(bool modified);
    void analysisUpdated(); // new statistics/costs, or new accuracy
    void analysisRunningChanged(bool running);
    void exploredChanged();
    void vivadoUtilizationChanged();

private:
    void install(project::Project project, std::shared_ptr<const ir::Graph> graph, const QString& path, bool unsaved);
    void startAnalysis();
    void onAnalysisResult(int index);
    void onAnalysisFinished();
    void setUnsaved(bool unsaved);
    QString describeOverrides() const;

    project::Project m_project;
    std::shared_ptr<const ir::Graph> m_graph;
    QString m_filePath;
    QUndoStack* m_undoStack;
    bool m_unsaved = false; // changed outside the undo stack (new import) and not saved yet
    AnalysisSnapshot m_analysis;
    std::vector<ExploredPoint> m_explored;
    std::map<std::string, exporter::LayerUtilization> m_vivado; // by model layer name
    QString m_vivadoReportPath;
    QFutureWatcher<AnalysisSnapshot> m_watcher;
    std::shared_ptr<Progress> m_progress; // cancels the running analysis
    bool m_restartPending = false;
    bool m_analysisRunning = false;
};

} // namespace luthier::widgets
