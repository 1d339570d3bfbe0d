#include "floorplan_panel.h"

#include "floorplan_legend.h"
#include "floorplan_pblocks.h"
#include "floorplan_view.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

namespace luthier::widgets {

namespace {

QString number(int64_t v)
{
    return QString::fromStdString(device::withThousands(v));
}

} // namespace

FloorplanPanel::FloorplanPanel(QUndoStack* undoStack, QWidget* parent)
    : QWidget(parent)
    , m_view(new FloorplanView(this))
    , m_legend(new FloorplanLegend(this))
    , m_pblocks(new PblockModel(undoStack, this))
    , m_heatmap(new QComboBox(this))
    , m_scale(new QComboBox(this))
    , m_autoRange(new QCheckBox(tr("Auto"), this))
    , m_lo(new QDoubleSpinBox(this))
    , m_hi(new QDoubleSpinBox(this))
    , m_panTool(new QToolButton(this))
    , m_pblockTool(new QToolButton(this))
    , m_deletePblock(new QToolButton(this))
    , m_status(new QLabel(this))
{
    m_view->setPblockModel(m_pblocks);
    for (const std::string& name : place::heatmapNames())
        m_heatmap->addItem(heatmapTitle(name));
    m_heatmap->setToolTip(tr("Which per-tile quantity the colours show"));
    m_scale->addItems({ tr("Linear"), tr("Log") });
    m_scale->setToolTip(tr("Colour scale: linear, or logarithmic over three decades below the maximum"));
    m_autoRange->setChecked(true);
    m_autoRange->setToolTip(tr("Range from 0 to the heatmap's maximum"));
    for (QDoubleSpinBox* box : { m_lo, m_hi }) {
        box->setDecimals(3);
        box->setRange(0.0, 1e9);
        box->setEnabled(false);
    }
    m_lo->setToolTip(tr("Value at the bottom of the colour bar"));
    m_hi->setToolTip(tr("Value at the top of the colour bar"));

    m_panTool->setText(tr("Pan"));
    m_panTool->setToolTip(tr("Drag to pan, click a unit to select its layer"));
    m_pblockTool->setText(tr("Pblock"));
    m_pblockTool->setToolTip(tr("Draw, move (drag inside) or resize (drag an edge) the selected layer's pblock"));
    for (QToolButton* b : { m_panTool, m_pblockTool })
        b->setCheckable(true);
    m_panTool->setChecked(true);
    auto* tools = new QButtonGroup(this);
    tools->addButton(m_panTool);
    tools->addButton(m_pblockTool);
    m_deletePblock->setText(tr("Delete pblock"));
    m_deletePblock->setToolTip(tr("Remove the selected layer's pblock (Delete)"));
    auto* fit = new QToolButton(this);
    fit->setIcon(QIcon(QStringLiteral(":/icons/zoom-fit.svg")));
    fit->setToolTip(tr("Show the whole device"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_heatmap);
    controls->addWidget(m_scale);
    controls->addWidget(m_autoRange);
    controls->addWidget(m_lo);
    controls->addWidget(new QLabel(QStringLiteral("–"), this));
    controls->addWidget(m_hi);
    controls->addSpacing(12);
    controls->addWidget(m_panTool);
    controls->addWidget(m_pblockTool);
    controls->addWidget(m_deletePblock);
    controls->addStretch();
    controls->addWidget(fit);

    auto* body = new QHBoxLayout;
    body->addWidget(m_view, 1);
    body->addWidget(m_legend);

    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addLayout(body, 1);
    layout->addWidget(m_status);

    connect(m_heatmap, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_view->setHeatmap(index);
        updateRange();
    });
    connect(m_scale, &QComboBox::currentIndexChanged, this, &FloorplanPanel::updateRange);
    connect(m_autoRange, &QCheckBox::toggled, this, &FloorplanPanel::updateRange);
    connect(m_lo, &QDoubleSpinBox::valueChanged, this, &FloorplanPanel::updateRange);
    connect(m_hi, &QDoubleSpinBox::valueChanged, this, &FloorplanPanel::updateRange);
    connect(m_panTool, &QToolButton::toggled, this, [this](bool on) {
        if (on) m_view->setTool(FloorplanView::Tool::Pan);
    });
    connect(m_pblockTool, &QToolButton::toggled, this, [this](bool on) {
        if (on) m_view->setTool(FloorplanView::Tool::Pblock);
    });
    connect(m_deletePblock, &QToolButton::clicked, this, [this] {
        const QString layer = m_view->selectedLayer();
        m_pblocks->editPblock(layer.toStdString(), std::nullopt, tr("Delete pblock of %1").arg(layer));
    });
    connect(fit, &QToolButton::clicked, m_view, &FloorplanView::zoomToFit);
    connect(m_view, &FloorplanView::layerClicked, this, [this](int, const QString& name) {
        setSelectedLayer(name);
        Q_EMIT layerSelected(name);
    });
    connect(m_pblocks, &PblockModel::constraintsChanged, this, &FloorplanPanel::updateStatus);
    updateRange();
    updateStatus();
}

void FloorplanPanel::setFloorplan(std::shared_ptr<const FloorplanData> data)
{
    m_view->setData(data);
    m_pblocks->setFloorplan(data);
    updateRange();
    updateStatus();
}

void FloorplanPanel::setSelectedLayer(const QString& name)
{
    m_view->setSelectedLayer(name);
    updateStatus();
}

void FloorplanPanel::setHeatmap(int index)
{
    m_heatmap->setCurrentIndex(index);
}

void FloorplanPanel::setLogScale(bool log)
{
    m_scale->setCurrentIndex(log ? 1 : 0);
}

void FloorplanPanel::updateRange()
{
    const auto& data = m_view->data();
    const int index = m_heatmap->currentIndex();
    const HeatmapPyramid* map
        = data && index >= 0 && index < int(data->heatmaps.size()) ? &data->heatmaps[size_t(index)] : nullptr;
    const bool automatic = m_autoRange->isChecked();
    m_lo->setEnabled(!automatic);
    m_hi->setEnabled(!automatic);
    ColourRange range;
    range.scale = m_scale->currentIndex() == 1 ? ColourScale::Log : ColourScale::Linear;
    if (automatic) {
        range.hi = map && map->maxValue > 0 ? map->maxValue : 1.0;
        range.lo = range.scale == ColourScale::Log && map && map->minPositive > 0
            ? std::max(map->minPositive, range.hi / 1000)
            : 0.0;
        const QSignalBlocker a(m_lo), b(m_hi);
        m_lo->setValue(range.lo);
        m_hi->setValue(range.hi);
    } else {
        range.lo = m_lo->value();
        range.hi = m_hi->value();
    }
    m_view->setColourRange(range);
    m_legend->setRange(range);
    const QString title = map ? heatmapTitle(map->map.name) : m_heatmap->currentText();
    m_legend->setHeatmap(title, map ? QString::fromStdString(map->map.unit) : tr("place the design to see it"));
}

void FloorplanPanel::updateStatus()
{
    const QString layer = m_view->selectedLayer();
    m_deletePblock->setEnabled(!layer.isEmpty() && m_pblocks->pblock(layer.toStdString()).has_value());
    m_pblockTool->setEnabled(!layer.isEmpty());
    if (layer.isEmpty()) {
        m_status->setText(tr("Select a layer (click one of its units, or in the graph) to draw its pblock."));
        return;
    }
    const auto rect = m_pblocks->pblock(layer.toStdString());
    if (!rect) {
        m_status->setText(tr(
            "<b>%1</b>: no pblock; the placer may use the whole device. Choose the Pblock tool and drag to draw one.")
                              .arg(layer.toHtmlEscaped()));
        return;
    }
    const PblockStatus s = m_pblocks->status(layer.toStdString());
    QString text = tr("<b>%1</b> pblock %2: LUT %3 / %4, FF %5 / %6, DSP %7 / %8, BRAM %9 / %10")
                       .arg(layer.toHtmlEscaped(),
                           QString::fromStdString(
                               device::toString(device::TileRect { rect->col0, rect->row0, rect->col1, rect->row1 })),
                           number(s.demand.luts), number(s.capacity.luts), number(s.demand.ffs), number(s.capacity.ffs),
                           number(s.demand.dsps), number(s.capacity.dsps))
                       .arg(number(s.demand.brams), number(s.capacity.brams));
    if (!s.valid)
        text += QStringLiteral("<br><span style='color:#d02020'>%1</span>")
                    .arg(s.reason.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    m_status->setText(text);
}

} // namespace luthier::widgets
