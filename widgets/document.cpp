#include "document.h"

#include "analysis_job.h"
#include "onnx/importer.h"
#include "undo_commands.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "worker_pool.h"

#include <QFileInfo>
#include <QStringList>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

namespace luthier::widgets {

Document::Document(QObject* parent)
    : QObject(parent)
    , m_undoStack(new QUndoStack(this))
{
    connect(m_undoStack, &QUndoStack::cleanChanged, this, [this] { Q_EMIT modifiedChanged(isModified()); });
    connect(&m_watcher, &QFutureWatcher<AnalysisSnapshot>::resultReadyAt, this, &Document::onAnalysisResult);
    connect(&m_watcher, &QFutureWatcher<AnalysisSnapshot>::finished, this, &Document::onAnalysisFinished);
}

Document::~Document()
{
    if (m_progress) m_progress->cancel();
    m_watcher.waitForFinished();
}

QString Document::displayName() const
{
    if (!m_filePath.isEmpty()) return QFileInfo(m_filePath).fileName();
    if (m_graph) return QString::fromStdString(m_graph->name) + QStringLiteral(" (unsaved)");
    return QStringLiteral("Untitled");
}

bool Document::isModified() const
{
    return m_unsaved || !m_undoStack->isClean();
}

void Document::newProject()
{
    install(project::Project {}, nullptr, QString(), false);
}

Document::Loaded Document::readProject(const QString& path)
{
    Loaded loaded { project::loadProject(path.toStdString()), nullptr, QFileInfo(path).absoluteFilePath() };
    if (!loaded.project.modelPath.empty())
        loaded.graph = std::make_shared<const ir::Graph>(importer::importModel(loaded.project.modelPath));
    return loaded;
}

Document::Loaded Document::readModel(const QString& modelPath)
{
    Loaded loaded;
    loaded.graph = std::make_shared<const ir::Graph>(importer::importModel(modelPath.toStdString()));
    loaded.project.modelPath = QFileInfo(modelPath).absoluteFilePath().toStdString();
    return loaded;
}

void Document::adopt(Loaded loaded)
{
    // An imported model has nothing to lose yet: it is on disk and no choice has been made. The first edit makes
    // it unsaved; closing an untouched import used to ask to save it.
    install(std::move(loaded.project), std::move(loaded.graph), loaded.path, false);
}

void Document::restoreProject(project::Project p, const QString& originalPath)
{
    std::shared_ptr<const ir::Graph> graph;
    if (!p.modelPath.empty()) graph = std::make_shared<const ir::Graph>(importer::importModel(p.modelPath));
    install(std::move(p), std::move(graph),
        originalPath.isEmpty() ? QString() : QFileInfo(originalPath).absoluteFilePath(), true);
}

void Document::saveAs(const QString& path)
{
    const QFileInfo info(path);
    const std::string text = project::serialiseProject(m_project, info.absolutePath().toStdString());
    // Not QSaveFile: opened buffered (as it was here), a full disk shows only in commit(), which on Qt 6.4
    // still renames the short temporary over the project. The core writer checks every write and fsync.
    try {
        util::writeFileAtomic(path.toStdString(), text);
    } catch (const Error& e) {
        throw Error(path.toStdString() + ": cannot save the project: " + e.what());
    }
    const bool renamed = m_filePath != info.absoluteFilePath();
    m_filePath = info.absoluteFilePath();
    m_undoStack->setClean();
    setUnsaved(false);
    if (renamed) Q_EMIT filePathChanged();
}

void Document::setConstraints(const project::Constraints& constraints)
{
    if (m_project.constraints == constraints) return;
    m_project.constraints = constraints;
    Q_EMIT constraintsChanged();
}

void Document::importVivadoReport(const QString& reportPath, const QString& designDirectory)
{
    const exporter::UtilizationReport report = exporter::loadUtilizationReport(reportPath.toStdString());
    const exporter::DesignManifest design = exporter::loadDesignManifest(designDirectory.toStdString());
    std::map<std::string, exporter::LayerUtilization> byLayer;
    for (exporter::LayerUtilization& l : exporter::matchLayers(report, design))
        if (l.vivado) byLayer.emplace(l.layer.name, std::move(l));
    if (byLayer.empty())
        throw Error(reportPath.toStdString() + ": no instance of the design in " + designDirectory.toStdString()
            + " (top " + design.top + ") is in this report; was it written for another design?");
    m_vivado = std::move(byLayer);
    m_vivadoReportPath = reportPath;
    Q_EMIT vivadoUtilizationChanged();
}

const exporter::LayerUtilization* Document::vivadoUtilization(const std::string& layer) const
{
    const auto it = m_vivado.find(layer);
    return it == m_vivado.end() ? nullptr : &it->second;
}

int Document::layerIndex(const std::string& name) const
{
    if (!m_graph) return -1;
    for (size_t i = 0; i < m_graph->layers.size(); ++i)
        if (m_graph->layers[i].name == name) return int(i);
    return -1;
}

quant::LayerOverride Document::layerOverride(int layer) const
{
    if (!m_graph || layer < 0 || layer >= int(m_graph->layers.size())) return {};
    const auto it = m_project.overrides.find(m_graph->layers[size_t(layer)].name);
    return it == m_project.overrides.end() ? quant::LayerOverride {} : it->second;
}

void Document::editLayerOverride(int layer, const quant::LayerOverride& after, const QString& text)
{
    m_undoStack->push(new SetLayerOverrideCommand(this, layer, layerOverride(layer), after, text));
}

void Document::setLayerOverride(int layer, const quant::LayerOverride& value)
{
    const std::string& name = m_graph->layers[size_t(layer)].name;
    if (value.empty())
        m_project.overrides.erase(name);
    else
        m_project.overrides[name] = value;
    Q_EMIT layerOverrideChanged(layer);
    startAnalysis();
}

void Document::editDataset(const project::DatasetPaths& dataset, const QString& text)
{
    m_undoStack->push(new SetDatasetCommand(this, m_project.dataset, dataset, text));
}

void Document::setDataset(const project::DatasetPaths& dataset)
{
    m_project.dataset = dataset;
    // Accuracies on another dataset are not comparable with the new ones.
    m_explored.clear();
    m_analysis.accuracy.reset();
    Q_EMIT datasetChanged();
    Q_EMIT exploredChanged();
    startAnalysis();
}

void Document::install(
    project::Project project, std::shared_ptr<const ir::Graph> graph, const QString& path, bool unsaved)
{
    m_project = std::move(project);
    m_graph = std::move(graph);
    m_undoStack->clear();
    m_analysis = {};
    m_explored.clear();
    m_vivado.clear();
    m_vivadoReportPath.clear();
    const bool pathChanged = m_filePath != path;
    m_filePath = path;
    m_unsaved = unsaved;
    Q_EMIT documentReset();
    if (pathChanged) Q_EMIT filePathChanged();
    Q_EMIT modifiedChanged(isModified());
    Q_EMIT exploredChanged();
    startAnalysis();
}

void Document::setUnsaved(bool unsaved)
{
    if (m_unsaved == unsaved) return;
    m_unsaved = unsaved;
    Q_EMIT modifiedChanged(isModified());
}

void Document::startAnalysis()
{
    // One analysis at a time: a newer edit cancels the running one and restarts when it has stopped.
    if (m_watcher.isRunning()) {
        m_progress->cancel();
        m_restartPending = true;
        m_analysisRunning = true;
        return;
    }
    m_restartPending = false;
    if (!m_graph) {
        m_analysisRunning = false;
        Q_EMIT analysisUpdated();
        Q_EMIT analysisRunningChanged(false);
        return;
    }
    m_analysisRunning = true;
    auto progress = std::make_shared<Progress>();
    m_progress = progress;
    const AnalysisInput input { m_graph, m_project };
    m_watcher.setFuture(QtConcurrent::run(workerPool(), [input, progress](QPromise<AnalysisSnapshot>& promise) {
        lowerThreadPriority();
        try {
            AnalysisSnapshot snapshot = analyseLayers(input, *progress);
            promise.addResult(snapshot);
            evaluateAccuracy(input, snapshot, *progress);
            promise.addResult(std::move(snapshot));
        } catch (const Cancelled&) {
            // superseded by a newer edit: nothing to publish
        } catch (const std::exception& e) {
            // A failure outside the stages' own error handling still reaches the user, not a log.
            AnalysisSnapshot failed;
            failed.error = e.what();
            promise.addResult(std::move(failed));
        }
    }));
    Q_EMIT analysisRunningChanged(true);
}

void Document::onAnalysisResult(int index)
{
    if (m_restartPending || m_progress->cancelled()) return;
    m_analysis = m_watcher.resultAt(index);
    if (m_analysis.accuracy && m_analysis.hasCosts()) {
        const QString description = describeOverrides();
        const bool seen = std::any_of(
            m_explored.begin(), m_explored.end(), [&](const ExploredPoint& p) { return p.description == description; });
        if (!seen) {
            m_explored.push_back({ m_analysis.totalLuts(), *m_analysis.accuracy, description });
            Q_EMIT exploredChanged();
        }
    }
    Q_EMIT analysisUpdated();
}

void Document::onAnalysisFinished()
{
    if (m_restartPending) {
        startAnalysis();
        return;
    }
    m_analysisRunning = false;
    Q_EMIT analysisRunningChanged(false);
}

QString Document::describeOverrides() const
{
    QStringList parts;
    for (const auto& [name, o] : m_project.overrides) {
        QStringList fields;
        if (o.weightBits) fields << QStringLiteral("w%1").arg(*o.weightBits);
        if (o.activationBits) fields << QStringLiteral("a%1").arg(*o.activationBits);
        if (o.weightScheme)
            fields << (*o.weightScheme == ir::WeightScheme::PowerOfTwo ? QStringLiteral("pow2")
                                                                       : QStringLiteral("uniform"));
        if (o.templateKind) fields << QString::fromUtf8(ir::toString(*o.templateKind));
        if (o.groupSize) fields << QStringLiteral("G%1").arg(*o.groupSize);
        if (o.tables) fields << QStringLiteral("learned tables");
        parts << QString::fromStdString(name) + QLatin1Char(' ') + fields.join(QLatin1Char(' '));
    }
    return parts.isEmpty() ? QStringLiteral("model defaults") : parts.join(QStringLiteral(", "));
}

} // namespace luthier::widgets
