#include "graph_view.h"

#include "colour_map.h"
#include "document.h"
#include "format.h"
#include "graph_items.h"
#include "graph_legend.h"
#include "worker_pool.h"

#include <QComboBox>
#include <QEvent>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <set>

namespace luthier::widgets {

namespace {

// Wheel zooms about the cursor; dragging the background pans.
class ZoomingView : public QGraphicsView {
public:
    using QGraphicsView::QGraphicsView;
    LayerGraphView* owner = nullptr;

protected:
    void wheelEvent(QWheelEvent* event) override
    {
        const double steps = event->angleDelta().y() / 120.0;
        if (steps == 0.0) return QGraphicsView::wheelEvent(event);
        owner->zoomBy(std::pow(1.15, steps));
        event->accept();
    }
};

QString metricValueText(Metric metric, double value)
{
    switch (metric) {
    case Metric::Luts:
        return groupedNumber(int64_t(value)) + QStringLiteral(" LUTs");
    case Metric::UniqueGroups:
        return groupedNumber(int64_t(value)) + QStringLiteral(" groups");
    case Metric::WeightBits:
        return QStringLiteral("w%1").arg(int(value));
    case Metric::ActivationBits:
        return QStringLiteral("a%1").arg(int(value));
    }
    return {};
}

} // namespace

LayerGraphView::LayerGraphView(Document* document, QItemSelectionModel* selection, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_selection(selection)
    , m_metricBox(new QComboBox(this))
    , m_templateBox(new QComboBox(this))
    , m_findEdit(new QLineEdit(this))
    , m_scene(new QGraphicsScene(this))
{
    auto* view = new ZoomingView(m_scene, this);
    view->owner = this;
    m_view = view;
    m_view->setObjectName(QStringLiteral("layerGraphView"));
    m_view->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    m_view->setDragMode(QGraphicsView::ScrollHandDrag);
    m_view->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    m_view->setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    m_view->viewport()->installEventFilter(this); // its resize comes after the scroll area has laid it out
    m_legend = new GraphLegend(m_view);

    for (Metric m : kAllMetrics)
        m_metricBox->addItem(tr(displayName(m)), int(m));
    m_metricBox->setObjectName(QStringLiteral("metricBox"));
    m_metricBox->setToolTip(tr("Colour the layers by this metric"));
    m_templateBox->addItem(tr("assigned template"), -1);
    for (ir::TemplateKind t : ir::kAllTemplates)
        m_templateBox->addItem(QString::fromUtf8(ir::toString(t)), int(t));
    m_templateBox->setObjectName(QStringLiteral("metricTemplateBox"));
    m_templateBox->setToolTip(tr("Template whose LUT estimate colours the layers"));
    m_findEdit->setPlaceholderText(tr("Find layer…"));
    m_findEdit->setClearButtonEnabled(true);
    m_findEdit->setObjectName(QStringLiteral("findLayer"));
    m_findEdit->setMaximumWidth(220);
    auto* fit = new QToolButton(this);
    fit->setIcon(QIcon(QStringLiteral(":/icons/zoom-fit.svg")));
    fit->setToolTip(tr("Fit the graph to the view (Ctrl+0)"));
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    auto* zoomIn = new QToolButton(this);
    zoomIn->setIcon(QIcon(QStringLiteral(":/icons/zoom-in.svg")));
    zoomIn->setToolTip(tr("Zoom in (Ctrl++)"));
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    auto* zoomOut = new QToolButton(this);
    zoomOut->setIcon(QIcon(QStringLiteral(":/icons/zoom-out.svg")));
    zoomOut->setToolTip(tr("Zoom out (Ctrl+-)"));
    zoomOut->setShortcut(QKeySequence::ZoomOut);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 4);
    bar->addWidget(new QLabel(tr("Colour by"), this));
    bar->addWidget(m_metricBox);
    bar->addWidget(m_templateBox);
    bar->addStretch(1);
    bar->addWidget(m_findEdit);
    bar->addWidget(zoomOut);
    bar->addWidget(zoomIn);
    bar->addWidget(fit);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_metricBox, &QComboBox::currentIndexChanged, this,
        [this] { setMetric(Metric(m_metricBox->currentData().toInt())); });
    connect(m_templateBox, &QComboBox::currentIndexChanged, this, [this] {
        const int t = m_templateBox->currentData().toInt();
        setMetricTemplate(t < 0 ? std::nullopt : std::optional(ir::TemplateKind(t)));
    });
    connect(m_findEdit, &QLineEdit::textChanged, this, &LayerGraphView::highlightMatches);
    connect(m_findEdit, &QLineEdit::returnPressed, this, [this] { findNext(m_findEdit->text()); });
    connect(fit, &QToolButton::clicked, this, &LayerGraphView::fitToView);
    connect(zoomIn, &QToolButton::clicked, this, [this] { zoomBy(1.25); });
    connect(zoomOut, &QToolButton::clicked, this, [this] { zoomBy(0.8); });

    connect(m_document, &Document::documentReset, this, &LayerGraphView::relayout);
    connect(m_document, &Document::analysisUpdated, this, &LayerGraphView::recolour);
    connect(m_selection, &QItemSelectionModel::currentRowChanged, this, &LayerGraphView::onCurrentChanged);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &LayerGraphView::onSceneSelectionChanged);
    connect(&m_layoutWatcher, &QFutureWatcher<LayoutResult>::finished, this, &LayerGraphView::applyLayout);
    setMetric(m_metric);
    relayout();
}

LayerGraphView::~LayerGraphView()
{
    m_layoutWatcher.waitForFinished();
}

void LayerGraphView::setMetric(Metric metric)
{
    m_metric = metric;
    if (const int i = m_metricBox->findData(int(metric)); i != m_metricBox->currentIndex())
        m_metricBox->setCurrentIndex(i);
    m_templateBox->setEnabled(metric == Metric::Luts);
    recolour();
}

void LayerGraphView::setMetricTemplate(std::optional<ir::TemplateKind> kind)
{
    m_metricTemplate = kind;
    if (const int i = m_templateBox->findData(kind ? int(*kind) : -1); i != m_templateBox->currentIndex())
        m_templateBox->setCurrentIndex(i);
    recolour();
}

bool LayerGraphView::layoutPending() const
{
    return m_appliedGeneration != m_layoutGeneration;
}

void LayerGraphView::relayout()
{
    m_scene->clear();
    m_nodes.clear();
    const int generation = ++m_layoutGeneration;
    const ir::Graph* graph = m_document->graph();
    if (!graph) {
        m_appliedGeneration = generation;
        m_scene->addText(tr("Open a project or import an ONNX model (File menu, or drop a file here)."));
        Q_EMIT layoutReady();
        return;
    }
    // Node sizes depend on the font, so they are measured here; the layout itself runs on a worker.
    LayoutRequest request;
    for (const ir::Layer& layer : graph->layers)
        request.nodes.push_back({ LayerNodeItem::sizeFor(
            QString::fromStdString(layer.name), QString::fromUtf8(ir::toString(layer.kind)), font()) });
    for (size_t i = 0; i < graph->layers.size(); ++i)
        for (int input : graph->layers[i].inputs)
            request.edges.push_back({ input, int(i) });
    request.rankGap = QFontMetricsF(font()).height() * 1.6;
    auto* pending = m_scene->addText(tr("Laying out %1 layers…").arg(graph->layers.size()));
    pending->setDefaultTextColor(palette().color(QPalette::PlaceholderText));
    // A newer request replaces the watched future; the older layout finishes unobserved and is dropped.
    m_layoutWatcher.setFuture(QtConcurrent::run(workerPool(), [request] {
        lowerThreadPriority();
        return computeLayout(request);
    }));
}

void LayerGraphView::applyLayout()
{
    if (!layoutPending()) return; // the document changed to one without a model meanwhile
    const int generation = m_layoutGeneration;
    const LayoutResult result = m_layoutWatcher.result();
    const ir::Graph* graph = m_document->graph();
    m_scene->clear();
    m_nodes.clear();
    m_appliedGeneration = generation;
    if (!result.error.isEmpty() || !graph || result.nodes.size() != int(graph->layers.size())) {
        m_scene->addText(result.error.isEmpty() ? tr("The layout does not match the model") : result.error);
        Q_EMIT layoutReady();
        return;
    }
    for (const LayoutResult::Edge& e : result.edges) {
        if (e.bezier.isEmpty()) continue;
        QPainterPath path(e.bezier[0]);
        for (int k = 1; k + 2 < e.bezier.size(); k += 3)
            path.cubicTo(e.bezier[k], e.bezier[k + 1], e.bezier[k + 2]);
        const QString label = shapeText(graph->layers[size_t(e.from)].outShape);
        m_scene->addItem(new LayerEdgeItem(path, e.bezier.back(), e.arrowTip, label));
    }
    for (int i = 0; i < result.nodes.size(); ++i) {
        const ir::Layer& layer = graph->layers[size_t(i)];
        auto* item = new LayerNodeItem(
            i, result.nodes[i], QString::fromStdString(layer.name), QString::fromUtf8(ir::toString(layer.kind)));
        m_scene->addItem(item);
        m_nodes.insert(i, item);
    }
    m_scene->setSceneRect(result.bounds.adjusted(-20, -20, 20, 20));
    recolour();
    highlightMatches(m_findEdit->text());
    onCurrentChanged(m_selection->currentIndex());
    fitToView();
    Q_EMIT layoutReady();
}

void LayerGraphView::recolour()
{
    const auto& layers = m_document->analysis().layers;
    GraphLegend::Scale scale;
    scale.title = tr(displayName(m_metric));
    if (m_metric == Metric::Luts) scale.title += QStringLiteral(" (%1)").arg(m_templateBox->currentText());
    std::vector<std::optional<double>> values(size_t(m_nodes.size()));
    std::set<double> distinct;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        const size_t i = size_t(it.key());
        if (i < layers.size()) values[i] = metricValue(layers[i], m_metric, m_metricTemplate);
        if (values[i]) {
            distinct.insert(*values[i]);
            if (!scale.hasValues || *values[i] < scale.min) scale.min = *values[i];
            if (!scale.hasValues || *values[i] > scale.max) scale.max = *values[i];
            scale.hasValues = true;
        }
    }
    // Bit-widths take a few integer values: swatches say more than a gradient. Costs span orders of
    // magnitude across layers: a log scale keeps the small layers distinguishable.
    const bool bits = m_metric == Metric::WeightBits || m_metric == Metric::ActivationBits;
    if (bits && distinct.size() <= 8) scale.discrete = QVector<double>(distinct.begin(), distinct.end());
    scale.log = !bits && scale.hasValues && scale.min > 0 && scale.max / scale.min > 20;
    m_legend->setScale(scale);
    placeLegend();
    const QColor none; // the palette's button colour, resolved when painted
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        const auto& v = values[size_t(it.key())];
        it.value()->setFill(v ? viridis(m_legend->position(*v)) : none, v ? metricValueText(m_metric, *v) : QString());
    }
}

void LayerGraphView::fitToView()
{
    if (m_scene->items().isEmpty()) return;
    m_view->fitInView(m_scene->sceneRect(), Qt::KeepAspectRatio);
    // Never blow a tiny graph up beyond 1.5x: it would look like a rendering error.
    if (m_view->transform().m11() > 1.5) m_view->setTransform(QTransform::fromScale(1.5, 1.5));
    m_view->centerOn(m_scene->sceneRect().center());
    m_autoFit = true;
}

void LayerGraphView::zoomBy(double factor)
{
    const double current = m_view->transform().m11();
    const double target = std::clamp(current * factor, 0.05, 8.0);
    m_view->scale(target / current, target / current);
    m_autoFit = false;
}

bool LayerGraphView::findNext(const QString& text)
{
    const ir::Graph* graph = m_document->graph();
    if (!graph || text.isEmpty()) return false;
    const int n = int(graph->layers.size());
    const int start = m_selection->currentIndex().isValid() ? m_selection->currentIndex().row() : -1;
    for (int k = 1; k <= n; ++k) {
        const int i = (start + k) % n;
        if (QString::fromStdString(graph->layers[size_t(i)].name).contains(text, Qt::CaseInsensitive)) {
            m_selection->setCurrentIndex(
                m_selection->model()->index(i, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            return true;
        }
    }
    return false;
}

void LayerGraphView::highlightMatches(const QString& text)
{
    for (LayerNodeItem* item : std::as_const(m_nodes))
        item->setFindMatch(!text.isEmpty() && item->title().contains(text, Qt::CaseInsensitive));
}

void LayerGraphView::onCurrentChanged(const QModelIndex& current)
{
    if (m_syncing) return;
    m_syncing = true;
    m_scene->clearSelection();
    if (LayerNodeItem* item = current.isValid() ? m_nodes.value(current.row()) : nullptr) {
        item->setSelected(true);
        m_view->ensureVisible(item, 40, 40);
    }
    m_syncing = false;
}

void LayerGraphView::onSceneSelectionChanged()
{
    if (m_syncing) return;
    const QList<QGraphicsItem*> selected = m_scene->selectedItems();
    if (selected.isEmpty()) return; // clicking the background keeps the current layer; the inspector stays useful
    if (selected.front()->type() != LayerNodeItem::Type) return;
    const int layer = static_cast<LayerNodeItem*>(selected.front())->layer();
    m_syncing = true;
    m_selection->setCurrentIndex(
        m_selection->model()->index(layer, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_syncing = false;
}

bool LayerGraphView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) {
        placeLegend();
        // Until the user zooms, the whole graph stays in view as docks open, close and resize.
        if (m_autoFit) fitToView();
    }
    return QWidget::eventFilter(watched, event);
}

void LayerGraphView::placeLegend()
{
    const QRect area = m_view->viewport()->geometry();
    m_legend->move(area.left() + 10, area.bottom() - m_legend->height() - 10);
    m_legend->raise();
}

} // namespace luthier::widgets
