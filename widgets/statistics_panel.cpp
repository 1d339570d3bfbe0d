#include "statistics_panel.h"

#include "document.h"
#include "format.h"
#include "qcustomplot_include.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <algorithm>
#include <iterator>

namespace luthier::widgets {

namespace {

// Okabe-Ito: distinguishable with every common colour-vision deficiency, on light and dark plots.
const QColor kTemplateColours[] = { QColor(0x0072B2), QColor(0xE69F00), QColor(0x009E73), QColor(0xCC79A7),
    QColor(0x56B4E9), QColor(0xD55E00), QColor(0xF0E442) };
static_assert(std::size(kTemplateColours) == std::size(ir::kAllTemplates), "every template needs its bar colour");

void setTitle(QCustomPlot* plot, const QString& title)
{
    if (auto* element = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0))) element->setText(title);
}

void showMessage(QCustomPlot* plot, const QString& text)
{
    auto* item = new QCPItemText(plot);
    item->position->setType(QCPItemPosition::ptAxisRectRatio);
    item->position->setCoords(0.5, 0.5);
    item->setText(text);
    item->setColor(plot->xAxis->labelColor());
    item->setTextAlignment(Qt::AlignCenter);
    plot->xAxis->setTicks(false);
    plot->yAxis->setTicks(false);
    plot->xAxis->setLabel(QString());
    plot->yAxis->setLabel(QString());
}

void resetPlot(QCustomPlot* plot)
{
    plot->clearPlottables();
    plot->clearItems();
    plot->yAxis2->setVisible(false);
    for (QCPAxis* axis : { plot->xAxis, plot->yAxis }) {
        axis->setTicks(true);
        axis->setTickLabels(true);
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setTickLabelRotation(0);
    }
}

const LayerMetrics* selectedMetrics(const Document* document, const QItemSelectionModel* selection)
{
    const QModelIndex current = selection->currentIndex();
    const auto& layers = document->analysis().layers;
    return current.isValid() && size_t(current.row()) < layers.size() ? &layers[size_t(current.row())] : nullptr;
}

// Configurations no other configuration beats on both LUTs (fewer) and accuracy (higher).
std::vector<ExploredPoint> paretoFront(std::vector<ExploredPoint> points)
{
    std::sort(points.begin(), points.end(), [](const ExploredPoint& a, const ExploredPoint& b) {
        return a.luts != b.luts ? a.luts < b.luts : a.accuracy > b.accuracy;
    });
    std::vector<ExploredPoint> front;
    for (const ExploredPoint& p : points)
        if (front.empty() || p.accuracy > front.back().accuracy) front.push_back(p);
    return front;
}

} // namespace

StatisticsPanel::StatisticsPanel(Document* document, QItemSelectionModel* selection, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_selection(selection)
    , m_histogram(new QCustomPlot(this))
    , m_groups(new QCustomPlot(this))
    , m_luts(new QCustomPlot(this))
    , m_accuracy(new QCustomPlot(this))
{
    m_histogram->setObjectName(QStringLiteral("weightHistogramPlot"));
    m_groups->setObjectName(QStringLiteral("groupFrequencyPlot"));
    m_luts->setObjectName(QStringLiteral("lutBarsPlot"));
    m_accuracy->setObjectName(QStringLiteral("accuracyPlot"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    for (QCustomPlot* plot : { m_histogram, m_groups, m_luts, m_accuracy }) {
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, QString()));
        plot->setMinimumSize(220, 180);
        layout->addWidget(plot, plot == m_luts || plot == m_accuracy ? 5 : 4);
    }
    // Interactions only where they help: the cost bars and the scatter can span decades. Their legends sit in
    // a row under the axes, where they cannot hide bars or points.
    for (QCustomPlot* plot : { m_luts, m_accuracy }) {
        plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
        plot->axisRect()->insetLayout()->take(plot->legend);
        plot->plotLayout()->addElement(2, 0, plot->legend);
        plot->plotLayout()->setRowStretchFactor(2, 0.001);
        plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
        plot->legend->setVisible(true);
        plot->legend->setMargins(QMargins(4, 2, 4, 2));
    }

    connect(m_selection, &QItemSelectionModel::currentRowChanged, this, [this] {
        refreshLayerPlots();
        refreshLutPlot();
    });
    connect(m_document, &Document::analysisUpdated, this, &StatisticsPanel::refreshAll);
    connect(m_document, &Document::documentReset, this, &StatisticsPanel::refreshAll);
    connect(m_document, &Document::exploredChanged, this, &StatisticsPanel::refreshAccuracyPlot);
    refreshAll();
}

void StatisticsPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) refreshAll();
    QWidget::changeEvent(event);
}

void StatisticsPanel::style(QCustomPlot* plot, const QString& title)
{
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlpha(40);
    plot->setBackground(pal.color(QPalette::Base));
    for (QCPAxis* axis : { plot->xAxis, plot->yAxis, plot->yAxis2 }) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setTextColor(text);
    plot->legend->setBorderPen(Qt::NoPen);
    if (auto* element = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0))) {
        QFont font = this->font();
        font.setBold(true);
        element->setFont(font);
        element->setTextColor(text);
    }
    setTitle(plot, title);
}

void StatisticsPanel::refreshAll()
{
    refreshLayerPlots();
    refreshLutPlot();
    refreshAccuracyPlot();
}

void StatisticsPanel::refreshLayerPlots()
{
    const LayerMetrics* m = selectedMetrics(m_document, m_selection);
    const QModelIndex current = m_selection->currentIndex();
    const QString name = current.isValid() && m_document->graph()
        ? QString::fromStdString(m_document->graph()->layers[size_t(current.row())].name)
        : QString();
    const QColor accent = palette().color(QPalette::Highlight);

    resetPlot(m_histogram);
    style(m_histogram, name.isEmpty() ? tr("Weight histogram") : tr("Weight histogram \u00b7 %1").arg(name));
    if (!m || !m->hasStatistics || m->weightHistogram.empty()) {
        showMessage(m_histogram, !m ? tr("Select a layer with weights") : tr("No integer weights to count"));
    } else {
        QVector<double> keys, values;
        for (const auto& [level, count] : m->weightHistogram) {
            keys << level;
            values << double(count);
        }
        auto* bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
        bars->setData(keys, values, true);
        bars->setWidth(0.8);
        bars->setBrush(accent);
        bars->setPen(Qt::NoPen);
        m_histogram->xAxis->setLabel(tr("integer weight level"));
        m_histogram->yAxis->setLabel(tr("weights"));
        auto ticker = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        m_histogram->xAxis->setTicker(ticker);
        m_histogram->rescaleAxes();
        m_histogram->xAxis->setRange(keys.front() - 0.7, keys.back() + 0.7);
        m_histogram->yAxis->setRange(0, *std::max_element(values.begin(), values.end()) * 1.1);
    }
    m_histogram->replot();

    resetPlot(m_groups);
    style(m_groups,
        m && m->hasStatistics
            ? tr("Unique groups \u00b7 %1 of %2").arg(groupedNumber(m->uniqueGroups), groupedNumber(m->totalGroups))
            : tr("Unique weight groups"));
    if (!m || !m->hasStatistics || m->groupFrequencies.empty()) {
        showMessage(m_groups, !m ? tr("Select a layer with weights") : tr("No weight groups"));
    } else {
        // Frequency of each unique group, most frequent first, and the share of all groups covered.
        QVector<double> rank, freq, share;
        double covered = 0.0;
        for (size_t i = 0; i < m->groupFrequencies.size(); ++i) {
            rank << double(i + 1);
            freq << double(m->groupFrequencies[i]);
            covered += double(m->groupFrequencies[i]);
            share << 100.0 * covered / double(m->totalGroups);
        }
        auto* bars = new QCPBars(m_groups->xAxis, m_groups->yAxis);
        bars->setData(rank, freq, true);
        bars->setWidth(rank.size() > 200 ? 1.0 : 0.8);
        bars->setBrush(accent);
        bars->setPen(Qt::NoPen);
        bars->setName(tr("occurrences"));
        m_groups->yAxis2->setVisible(true);
        m_groups->yAxis2->setRange(0, 100);
        m_groups->yAxis2->setLabel(tr("cumulative %"));
        auto* line = m_groups->addGraph(m_groups->xAxis, m_groups->yAxis2);
        line->setData(rank, share, true);
        line->setPen(QPen(kTemplateColours[1], 2));
        line->setName(tr("cumulative share"));
        m_groups->xAxis->setLabel(tr("unique group (by frequency)"));
        m_groups->yAxis->setLabel(tr("occurrences"));
        if (m_groups->xAxis->ticker().dynamicCast<QCPAxisTickerFixed>().isNull()) {
            auto ticker = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
            ticker->setTickStep(1.0);
            ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
            m_groups->xAxis->setTicker(ticker);
        }
        m_groups->xAxis->setRange(0.3, double(rank.size()) + 0.7);
        m_groups->yAxis->setRange(0, freq.front() * 1.1);
    }
    m_groups->replot();
}

void StatisticsPanel::refreshLutPlot()
{
    resetPlot(m_luts);
    style(m_luts, tr("LUTs per layer and template"));
    const ir::Graph* graph = m_document->graph();
    const auto& layers = m_document->analysis().layers;
    QVector<int> rows;
    if (graph)
        for (size_t i = 0; i < layers.size() && i < graph->layers.size(); ++i)
            if (!layers[i].costs.empty()) rows << int(i);
    if (rows.isEmpty()) {
        showMessage(m_luts, graph ? tr("No cost estimates yet") : tr("No model"));
        m_luts->replot();
        return;
    }
    auto* group = new QCPBarsGroup(m_luts);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(1);
    const double width = 0.8 / double(std::size(ir::kAllTemplates));
    double top = 1.0;
    for (size_t t = 0; t < std::size(ir::kAllTemplates); ++t) {
        const ir::TemplateKind kind = ir::kAllTemplates[t];
        QVector<double> keys, values;
        for (int k = 0; k < rows.size(); ++k)
            if (const TemplateCost* c = layers[size_t(rows[k])].cost(kind); c && c->luts > 0) {
                keys << double(k);
                values << double(c->luts);
                top = std::max(top, double(c->luts));
            }
        auto* bars = new QCPBars(m_luts->xAxis, m_luts->yAxis);
        bars->setName(QString::fromUtf8(ir::toString(kind)));
        bars->setData(keys, values, true);
        bars->setWidth(width);
        bars->setBrush(kTemplateColours[t]);
        bars->setPen(Qt::NoPen);
        bars->setBarsGroup(group);
        // Log bars need a floor above zero.
        bars->setBaseValue(0.5);
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    const QModelIndex current = m_selection->currentIndex();
    for (int k = 0; k < rows.size(); ++k) {
        QString name = QString::fromStdString(graph->layers[size_t(rows[k])].name);
        if (name.size() > 14) name = name.left(6) + QChar(0x2026) + name.right(7);
        if (current.isValid() && current.row() == rows[k]) name = QStringLiteral("\u25b8 ") + name;
        ticker->addTick(k, name);
    }
    m_luts->xAxis->setTicker(ticker);
    m_luts->xAxis->setTickLabelRotation(rows.size() > 6 ? 45 : 0);
    m_luts->xAxis->setRange(-0.6, double(rows.size()) - 0.4);
    m_luts->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_luts->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_luts->yAxis->setNumberFormat(QStringLiteral("eb"));
    m_luts->yAxis->setNumberPrecision(0);
    m_luts->yAxis->setRange(0.5, top * 3);
    m_luts->yAxis->setLabel(tr("LUTs (log)"));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_luts->legend->setFont(small);
    // Six templates do not fit one row of a narrow plot: three per row keeps every name readable.
    m_luts->legend->setWrap(3);
    m_luts->replot();
}

void StatisticsPanel::refreshAccuracyPlot()
{
    resetPlot(m_accuracy);
    style(m_accuracy, tr("Accuracy vs. LUTs"));
    const std::vector<ExploredPoint>& points = m_document->explored();
    const AnalysisSnapshot& analysis = m_document->analysis();
    if (points.empty()) {
        const QString why = !m_document->graph() ? tr("No model")
            : !m_document->project().dataset.attached()
            ? tr("Attach a dataset (Project \u2192 Attach Dataset)\nto measure accuracy")
            : !analysis.accuracyNote.empty() ? QString::fromStdString(analysis.accuracyNote)
                                             : tr("Measuring accuracy\u2026");
        showMessage(m_accuracy, why);
        m_accuracy->replot();
        return;
    }
    QVector<double> x, y;
    for (const ExploredPoint& p : points) {
        x << double(p.luts);
        y << 100.0 * p.accuracy;
    }
    const QColor text = palette().color(QPalette::Text);
    auto* all = m_accuracy->addGraph();
    all->setName(tr("explored"));
    all->setLineStyle(QCPGraph::lsNone);
    all->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, text, 6));
    all->setData(x, y);

    QVector<double> fx, fy;
    for (const ExploredPoint& p : paretoFront(points)) {
        fx << double(p.luts);
        fy << 100.0 * p.accuracy;
    }
    auto* front = m_accuracy->addGraph();
    front->setName(tr("Pareto front"));
    front->setLineStyle(QCPGraph::lsStepLeft);
    front->setPen(QPen(kTemplateColours[5], 2));
    front->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kTemplateColours[5], 7));
    front->setData(fx, fy);

    if (analysis.accuracy && analysis.hasCosts()) {
        auto* now = m_accuracy->addGraph();
        now->setName(tr("current"));
        now->setLineStyle(QCPGraph::lsNone);
        now->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssCircle, QPen(palette().color(QPalette::Highlight), 2.5), Qt::NoBrush, 13));
        now->setData(QVector<double> { double(analysis.totalLuts()) }, QVector<double> { 100.0 * *analysis.accuracy });
    }
    m_accuracy->xAxis->setLabel(tr("total LUTs"));
    m_accuracy->yAxis->setLabel(tr("top-1 accuracy %"));
    const auto [minX, maxX] = std::minmax_element(x.begin(), x.end());
    const auto [minY, maxY] = std::minmax_element(y.begin(), y.end());
    // A lone point (nothing explored yet) gets +-5 % around it rather than an axis a few LUTs wide.
    const double padX = std::max({ 1.0, (*maxX - *minX) * 0.08, *maxX * 0.05 }),
                 padY = std::max(0.5, (*maxY - *minY) * 0.1);
    m_accuracy->xAxis->setRange(*minX - padX, *maxX + padX);
    m_accuracy->yAxis->setRange(*minY - padY, std::min(100.0 + padY, *maxY + padY));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_accuracy->legend->setFont(small);
    m_accuracy->replot();
}

} // namespace luthier::widgets
