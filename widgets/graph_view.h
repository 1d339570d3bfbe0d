#pragma once
// The layer graph panel: the model's layers laid out by Graphviz dot on a worker thread, drawn in a
// QGraphicsView with wheel zoom, drag to pan, fit-to-view and a find box; nodes are coloured by a chosen
// metric with a legend. Selection goes through the shared QItemSelectionModel, so clicking a node selects
// the layer in every panel and selecting it elsewhere highlights the node.

#include "graph_layout.h"
#include "layer_metrics.h"

#include <QFutureWatcher>
#include <QHash>
#include <QWidget>

class QComboBox;
class QGraphicsScene;
class QGraphicsView;
class QItemSelectionModel;
class QLineEdit;
class QModelIndex;

namespace luthier::widgets {

class Document;
class GraphLegend;
class LayerNodeItem;

class LayerGraphView : public QWidget {
    Q_OBJECT
public:
    LayerGraphView(Document* document, QItemSelectionModel* selection, QWidget* parent = nullptr);
    ~LayerGraphView() override;

    Metric metric() const { return m_metric; }
    void setMetric(Metric metric);
    // Template for Metric::Luts; nullopt: each layer's assigned template.
    std::optional<ir::TemplateKind> metricTemplate() const { return m_metricTemplate; }
    void setMetricTemplate(std::optional<ir::TemplateKind> kind);

    bool layoutPending() const;
    int nodeCount() const { return int(m_nodes.size()); }
    LayerNodeItem* node(int layer) const { return m_nodes.value(layer); }
    QGraphicsView* view() const { return m_view; }

    void fitToView();
    void zoomBy(double factor);
    // Selects the next layer (after the current one) whose name contains `text`; false when none does.
    bool findNext(const QString& text);

Q_SIGNALS:
    void layoutReady();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void relayout();
    void applyLayout();
    void recolour();
    void onCurrentChanged(const QModelIndex& current);
    void onSceneSelectionChanged();
    void highlightMatches(const QString& text);
    void placeLegend();

    Document* m_document;
    QItemSelectionModel* m_selection;
    QComboBox* m_metricBox;
    QComboBox* m_templateBox;
    QLineEdit* m_findEdit;
    QGraphicsView* m_view;
    QGraphicsScene* m_scene;
    GraphLegend* m_legend;
    QHash<int, LayerNodeItem*> m_nodes;
    Metric m_metric = Metric::Luts;
    std::optional<ir::TemplateKind> m_metricTemplate;
    QFutureWatcher<LayoutResult> m_layoutWatcher;
    int m_layoutGeneration = 0; // results of an older request are dropped
    int m_appliedGeneration = 0;
    bool m_syncing = false; // guards the two-way selection sync
    bool m_autoFit = true; // refit on resize: true after fitToView, false once the user zooms
};

} // namespace luthier::widgets
