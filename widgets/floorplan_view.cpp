#include "floorplan_view.h"

#include "floorplan_pblocks.h"
#include "worker_pool.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QUndoStack>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

namespace luthier::widgets {

namespace {

constexpr double kEdgeGrip = 5.0; // px: how close to a pblock edge a press resizes
constexpr double kClickSlop = 4.0; // px: a press that moves less is a click
constexpr double kMinPixelsPerTile = 0.02, kMaxPixelsPerTile = 64.0;

QString number(int64_t v)
{
    return QString::fromStdString(device::withThousands(v));
}

} // namespace

FloorplanView::FloorplanView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(&m_watcher, &QFutureWatcher<RenderResult>::finished, this, &FloorplanView::onRenderFinished);
}

FloorplanView::~FloorplanView()
{
    m_watcher.waitForFinished();
}

void FloorplanView::setData(std::shared_ptr<const FloorplanData> data)
{
    const bool sameDevice
        = m_data && data && m_data->device && data->device && m_data->device->part() == data->device->part();
    m_data = std::move(data);
    if (!sameDevice) m_fitPending = true;
    if (m_fitPending && width() > 0) zoomToFit();
    requestRender();
    update();
}

void FloorplanView::setPblockModel(PblockModel* model)
{
    if (m_pblocks) disconnect(m_pblocks, nullptr, this, nullptr);
    m_pblocks = model;
    if (m_pblocks) connect(m_pblocks, &PblockModel::constraintsChanged, this, qOverload<>(&QWidget::update));
    update();
}

void FloorplanView::setHeatmap(int index)
{
    m_heatmap = index;
    requestRender();
}

void FloorplanView::setColourRange(const ColourRange& range)
{
    if (range == m_range) return;
    m_range = range;
    requestRender();
}

void FloorplanView::setTool(Tool tool)
{
    m_tool = tool;
    m_drag = Drag::None;
    m_preview.reset();
    updateCursor(mapFromGlobal(QCursor::pos()));
    update();
}

void FloorplanView::setSelectedLayer(const QString& name)
{
    m_selectedLayer = name;
    update();
}

void FloorplanView::setViewport(double x0, double yTop, double pixelsPerTile)
{
    m_viewport.x0 = x0;
    m_viewport.yTop = yTop;
    m_viewport.pixelsPerTile = std::clamp(pixelsPerTile, kMinPixelsPerTile, kMaxPixelsPerTile);
    m_fitPending = false;
    requestRender();
    update();
}

void FloorplanView::zoomToFit()
{
    if (!m_data || !m_data->device || width() <= 0 || height() <= 0) return;
    const double w = m_data->device->width(), h = m_data->device->height();
    const double margin = 8.0;
    const double s = std::min((width() - 2 * margin) / w, (height() - 2 * margin) / h);
    // Centre the device.
    const double x0 = w / 2 - width() / (2 * s), yTop = h / 2 + height() / (2 * s);
    setViewport(x0, yTop, s);
}

void FloorplanView::zoomBy(double factor, QPointF anchor)
{
    const double tx = m_viewport.tileX(anchor.x()), ty = m_viewport.tileY(anchor.y());
    const double s = std::clamp(m_viewport.pixelsPerTile * factor, kMinPixelsPerTile, kMaxPixelsPerTile);
    setViewport(tx - anchor.x() / s, ty + anchor.y() / s, s);
}

QPoint FloorplanView::tileAt(QPointF pos) const
{
    return { int(std::floor(m_viewport.tileX(pos.x()))), int(std::floor(m_viewport.tileY(pos.y()))) };
}

void FloorplanView::waitForRender()
{
    while (m_watcher.isRunning() || m_renderPending) {
        m_watcher.waitForFinished();
        onRenderFinished();
    }
}

void FloorplanView::requestRender()
{
    m_viewport.size = size();
    if (m_watcher.isRunning()) {
        m_renderPending = true; // coalesce: only the latest viewport is rendered next
        return;
    }
    m_renderPending = false;
    RenderRequest request;
    request.data = m_data;
    request.heatmap = m_heatmap;
    request.range = m_range;
    request.viewport = m_viewport;
    const qreal dpr = devicePixelRatioF();
    request.viewport.size = size() * dpr;
    request.viewport.pixelsPerTile *= dpr;
    m_watcher.setFuture(QtConcurrent::run(workerPool(), [request, dpr] {
        lowerThreadPriority();
        RenderResult r = renderFloorplan(request);
        r.image.setDevicePixelRatio(dpr);
        r.viewport.size /= dpr;
        r.viewport.pixelsPerTile /= dpr;
        return r;
    }));
}

void FloorplanView::onRenderFinished()
{
    if (m_watcher.isFinished() && m_watcher.future().isValid() && m_watcher.future().resultCount() > 0) {
        m_image = m_watcher.result();
        m_watcher.setFuture(QFuture<RenderResult>()); // consumed
        update();
        Q_EMIT rendered();
    }
    if (m_renderPending && !m_watcher.isRunning()) requestRender();
}

QRectF FloorplanView::tileRectToWidget(int col0, int row0, int col1, int row1) const
{
    const double left = m_viewport.pixelX(col0), right = m_viewport.pixelX(col1 + 1);
    const double top = m_viewport.pixelY(row1 + 1), bottom = m_viewport.pixelY(row0);
    return QRectF(QPointF(left, top), QPointF(right, bottom));
}

void FloorplanView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(0x1e, 0x1e, 0x24));
    if (!m_image.image.isNull()) {
        // The last image, mapped from the viewport it was rendered for to the current one.
        const FloorplanViewport& iv = m_image.viewport;
        const double k = m_viewport.pixelsPerTile / iv.pixelsPerTile;
        const QRectF target(
            m_viewport.pixelX(iv.x0), m_viewport.pixelY(iv.yTop), iv.size.width() * k, iv.size.height() * k);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(target, m_image.image);
    }
    drawOverlays(painter);
}

void FloorplanView::drawOverlays(QPainter& painter)
{
    if (!m_data || !m_data->device) return;
    const device::Device& device = *m_data->device;
    painter.setRenderHint(QPainter::Antialiasing, false);

    // Clock regions, then SLR boundaries above them.
    painter.setPen(QPen(QColor(255, 255, 255, 50), 1));
    painter.setBrush(Qt::NoBrush);
    for (const device::TileRect& r : device.clockRegions())
        painter.drawRect(tileRectToWidget(r.col0, r.row0, r.col1, r.row1));
    if (device.slrCount() > 1) {
        painter.setPen(QPen(QColor(255, 255, 255, 200), 2, Qt::DashLine));
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        painter.setFont(small);
        for (int s = 0; s < device.slrCount(); ++s) {
            const device::TileRect& r = device.info().slrs[size_t(s)];
            const QRectF box = tileRectToWidget(r.col0, r.row0, r.col1, r.row1);
            painter.drawRect(box);
            painter.drawText(
                box.adjusted(4, 2, -4, -2), Qt::AlignRight | Qt::AlignTop, QStringLiteral("SLR %1").arg(s));
        }
    }
    painter.setPen(QPen(QColor(200, 200, 200), 1));
    painter.drawRect(tileRectToWidget(0, 0, device.width() - 1, device.height() - 1));

    // Layer bounding boxes.
    for (int l = 0; l < int(m_data->layerBounds.size()); ++l) {
        const device::TileRect& b = m_data->layerBounds[size_t(l)];
        if (b.col0 < 0) continue;
        const bool selected = QString::fromStdString(m_data->netlist->layers[size_t(l)]) == m_selectedLayer;
        QColor colour = layerColour(l);
        colour.setAlpha(selected || m_selectedLayer.isEmpty() ? 255 : 110); // the selected layer stands out
        painter.setPen(QPen(colour, selected ? 3 : 1.5));
        painter.drawRect(tileRectToWidget(b.col0, b.row0, b.col1, b.row1));
    }

    // Pblocks: the layer's colour, red when the placer would refuse it; the dragged one as a preview.
    if (!m_pblocks) return;
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics metrics(font());
    for (const auto& [name, stored] : m_pblocks->constraints().pblocks) {
        const bool selected = QString::fromStdString(name) == m_selectedLayer;
        const project::TileRect r = selected && m_preview ? *m_preview : stored;
        const PblockStatus status = m_pblocks->status(name);
        const int layer = m_data->netlist ? m_data->netlist->findLayer(name) : -1;
        const QColor colour = !status.valid ? QColor(0xe0, 0x20, 0x20)
            : layer >= 0                    ? layerColour(layer)
                                            : QColor(Qt::white);
        QColor fill = colour;
        fill.setAlpha(selected ? 60 : 35);
        painter.setPen(QPen(colour, selected ? 2.5 : 1.5, Qt::DashLine));
        painter.setBrush(fill);
        const QRectF box = tileRectToWidget(r.col0, r.row0, r.col1, r.row1);
        painter.drawRect(box);
        QString label = QString::fromStdString(name);
        if (m_data->netlist)
            label += QStringLiteral(": %1 / %2 LUT").arg(number(status.demand.luts), number(status.capacity.luts));
        if (!status.valid) label += QStringLiteral(" (infeasible)");
        const QRectF textBox(box.left() + 3, box.top() + 3, metrics.horizontalAdvance(label) + 8, metrics.height() + 2);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0, 0, 0, 170));
        painter.drawRect(textBox);
        painter.setPen(!status.valid ? QColor(0xff, 0x80, 0x80) : QColor(Qt::white));
        painter.drawText(textBox, Qt::AlignCenter, label);
    }
    if (m_preview && !m_pblocks->pblock(m_selectedLayer.toStdString())) {
        painter.setPen(QPen(QColor(Qt::white), 2, Qt::DashLine));
        painter.setBrush(QColor(255, 255, 255, 40));
        painter.drawRect(tileRectToWidget(m_preview->col0, m_preview->row0, m_preview->col1, m_preview->row1));
    }
}

void FloorplanView::resizeEvent(QResizeEvent*)
{
    if (m_fitPending) zoomToFit();
    requestRender();
}

void FloorplanView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0.0) zoomBy(std::pow(1.25, steps), event->position());
    event->accept();
}

std::optional<project::TileRect> FloorplanView::selectedPblock() const
{
    if (!m_pblocks || m_selectedLayer.isEmpty()) return std::nullopt;
    return m_pblocks->pblock(m_selectedLayer.toStdString());
}

FloorplanView::Edges FloorplanView::edgesAt(QPointF pos) const
{
    Edges e;
    const auto r = selectedPblock();
    if (!r) return e;
    const QRectF box = tileRectToWidget(r->col0, r->row0, r->col1, r->row1);
    if (!box.adjusted(-kEdgeGrip, -kEdgeGrip, kEdgeGrip, kEdgeGrip).contains(pos)) return e;
    e.left = std::abs(pos.x() - box.left()) <= kEdgeGrip;
    e.right = !e.left && std::abs(pos.x() - box.right()) <= kEdgeGrip;
    e.top = std::abs(pos.y() - box.top()) <= kEdgeGrip;
    e.bottom = !e.top && std::abs(pos.y() - box.bottom()) <= kEdgeGrip;
    return e;
}

project::TileRect FloorplanView::draggedRect(QPointF pos) const
{
    const QPoint a = tileAt(m_pressPos), b = tileAt(pos);
    project::TileRect r = m_dragOrigin;
    switch (m_drag) {
    case Drag::Create:
        r = { std::min(a.x(), b.x()), std::min(a.y(), b.y()), std::max(a.x(), b.x()), std::max(a.y(), b.y()) };
        break;
    case Drag::Move: {
        int dx = b.x() - a.x(), dy = b.y() - a.y();
        if (m_data && m_data->device) { // keep the whole rectangle on the device
            dx = std::clamp(dx, -r.col0, m_data->device->width() - 1 - r.col1);
            dy = std::clamp(dy, -r.row0, m_data->device->height() - 1 - r.row1);
        }
        r = { r.col0 + dx, r.row0 + dy, r.col1 + dx, r.row1 + dy };
        break;
    }
    case Drag::Resize:
        if (m_resizeEdges.left) r.col0 = std::min(b.x(), r.col1);
        if (m_resizeEdges.right) r.col1 = std::max(b.x(), r.col0);
        if (m_resizeEdges.bottom) r.row0 = std::min(b.y(), r.row1);
        if (m_resizeEdges.top) r.row1 = std::max(b.y(), r.row0);
        break;
    default:
        break;
    }
    if (m_data && m_data->device) {
        const int w = m_data->device->width() - 1, h = m_data->device->height() - 1;
        r = { std::clamp(r.col0, 0, w), std::clamp(r.row0, 0, h), std::clamp(r.col1, 0, w), std::clamp(r.row1, 0, h) };
    }
    return r;
}

void FloorplanView::mousePressEvent(QMouseEvent* event)
{
    m_pressPos = m_lastPos = event->position();
    m_moved = false;
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_tool == Tool::Pan)) {
        m_drag = Drag::Pan;
    } else if (event->button() == Qt::LeftButton && m_tool == Tool::Pblock && !m_selectedLayer.isEmpty() && m_pblocks) {
        const auto current = selectedPblock();
        const Edges edges = edgesAt(event->position());
        const QPoint tile = tileAt(event->position());
        if (current && edges.any()) {
            m_drag = Drag::Resize;
            m_resizeEdges = edges;
            m_dragOrigin = *current;
        } else if (current && tile.x() >= current->col0 && tile.x() <= current->col1 && tile.y() >= current->row0
            && tile.y() <= current->row1) {
            m_drag = Drag::Move;
            m_dragOrigin = *current;
        } else {
            m_drag = Drag::Create;
        }
        m_preview = draggedRect(event->position());
        update();
    }
    event->accept();
}

void FloorplanView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF pos = event->position();
    if ((pos - m_pressPos).manhattanLength() > kClickSlop) m_moved = true;
    if (m_drag == Drag::Pan) {
        const QPointF d = pos - m_lastPos;
        setViewport(m_viewport.x0 - d.x() / m_viewport.pixelsPerTile,
            m_viewport.yTop + d.y() / m_viewport.pixelsPerTile, m_viewport.pixelsPerTile);
    } else if (m_drag != Drag::None) {
        m_preview = draggedRect(pos);
        update();
    } else {
        updateCursor(pos);
        const QPoint tile = tileAt(pos);
        Q_EMIT tileHovered(tile.x(), tile.y());
    }
    m_lastPos = pos;
}

void FloorplanView::mouseReleaseEvent(QMouseEvent* event)
{
    const project::TileRect r = draggedRect(event->position()); // before m_drag is reset: it depends on it
    const Drag drag = std::exchange(m_drag, Drag::None);
    if (!m_moved && (drag == Drag::Pan || drag == Drag::Move) && m_data && m_data->netlist) {
        // A click: select the layer of the unit under the cursor.
        m_preview.reset();
        const QPoint tile = tileAt(event->position());
        if (const int layer = m_data->layerAt(tile.x(), tile.y()); layer >= 0)
            Q_EMIT layerClicked(layer, QString::fromStdString(m_data->netlist->layers[size_t(layer)]));
        update();
        return;
    }
    if (drag == Drag::Create || drag == Drag::Move || drag == Drag::Resize) {
        m_preview.reset();
        static const char* verbs[] = { "", "", "Draw", "Move", "Resize" };
        m_pblocks->editPblock(m_selectedLayer.toStdString(), r,
            QStringLiteral("%1 pblock of %2 (%3)")
                .arg(QLatin1String(verbs[int(drag)]), m_selectedLayer,
                    QString::fromStdString(device::toString(device::TileRect { r.col0, r.row0, r.col1, r.row1 }))));
        update();
    }
}

void FloorplanView::keyPressEvent(QKeyEvent* event)
{
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && m_pblocks && selectedPblock()) {
        m_pblocks->editPblock(
            m_selectedLayer.toStdString(), std::nullopt, QStringLiteral("Delete pblock of %1").arg(m_selectedLayer));
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape && m_drag != Drag::None) {
        m_drag = Drag::None;
        m_preview.reset();
        update();
        return;
    }
    QWidget::keyPressEvent(event);
}

void FloorplanView::updateCursor(QPointF pos)
{
    if (m_tool != Tool::Pblock) {
        setCursor(Qt::OpenHandCursor);
        return;
    }
    const Edges e = edgesAt(pos);
    if ((e.left && e.top) || (e.right && e.bottom))
        setCursor(Qt::SizeFDiagCursor);
    else if ((e.right && e.top) || (e.left && e.bottom))
        setCursor(Qt::SizeBDiagCursor);
    else if (e.left || e.right)
        setCursor(Qt::SizeHorCursor);
    else if (e.top || e.bottom)
        setCursor(Qt::SizeVerCursor);
    else
        setCursor(Qt::CrossCursor);
}

bool FloorplanView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip && m_data) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QPoint tile = tileAt(help->pos());
        QString text = m_data->describeTile(tile.x(), tile.y());
        if (m_pblocks)
            for (const auto& [name, r] : m_pblocks->constraints().pblocks)
                if (tile.x() >= r.col0 && tile.x() <= r.col1 && tile.y() >= r.row0 && tile.y() <= r.row1) {
                    const PblockStatus s = m_pblocks->status(name);
                    text += QStringLiteral("<br>pblock <b>%1</b> %2: LUT %3 / %4, FF %5 / %6, BRAM %7 / %8")
                                .arg(QString::fromStdString(name).toHtmlEscaped(),
                                    QString::fromStdString(
                                        device::toString(device::TileRect { r.col0, r.row0, r.col1, r.row1 })),
                                    number(s.demand.luts), number(s.capacity.luts), number(s.demand.ffs),
                                    number(s.capacity.ffs), number(s.demand.brams), number(s.capacity.brams));
                    if (!s.valid)
                        text += QStringLiteral("<br><span style='color:#e02020'>%1</span>")
                                    .arg(s.reason.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
                }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace luthier::widgets
