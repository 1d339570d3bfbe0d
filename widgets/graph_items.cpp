#include "graph_items.h"

#include "colour_map.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>
#include <QtMath>

namespace luthier::widgets {

namespace {
constexpr double kPadX = 10.0, kPadY = 6.0, kMinWidth = 120.0, kMaxWidth = 230.0, kRadius = 6.0;

QFont titleFont(QFont font)
{
    font.setBold(true);
    return font;
}
} // namespace

LayerNodeItem::LayerNodeItem(int layer, const QRectF& rect, QString title, QString subtitle)
    : m_layer(layer)
    , m_rect(rect)
    , m_title(std::move(title))
    , m_subtitle(std::move(subtitle))
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setCursor(Qt::PointingHandCursor);
    setToolTip(m_title + QLatin1Char('\n') + m_subtitle);
}

QSizeF LayerNodeItem::sizeFor(const QString& title, const QString& subtitle, const QFont& font)
{
    const QFontMetricsF bold(titleFont(font)), normal(font);
    // Room for the metric value that follows the subtitle (e.g. " · 12 345 LUTs").
    const double valueRoom = normal.horizontalAdvance(QStringLiteral(" \u00b7 00 000 LUTs"));
    const double w
        = std::max(bold.horizontalAdvance(title), normal.horizontalAdvance(subtitle) + valueRoom) + 2 * kPadX;
    return { std::clamp(w, kMinWidth, kMaxWidth), bold.height() + normal.height() + 2 * kPadY + 2 };
}

void LayerNodeItem::setFill(const QColor& fill, const QString& valueText)
{
    m_fill = fill;
    m_valueText = valueText;
    setToolTip(
        m_title + QLatin1Char('\n') + m_subtitle + (valueText.isEmpty() ? QString() : QLatin1Char('\n') + valueText));
    update();
}

void LayerNodeItem::setFindMatch(bool match)
{
    if (m_findMatch != match) {
        m_findMatch = match;
        update();
    }
}

QColor LayerNodeItem::fill(const QPalette& palette) const
{
    return m_fill.isValid() ? m_fill : palette.color(QPalette::Button);
}

QRectF LayerNodeItem::boundingRect() const
{
    return m_rect.adjusted(-3, -3, 3, 3);
}

void LayerNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget)
{
    const QPalette palette = widget ? widget->palette() : QApplication::palette();
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor fill = this->fill(palette);
    QPen pen(fill.darker(150), 1.0);
    if (isSelected())
        pen = QPen(palette.color(QPalette::Highlight), 3.0);
    else if (m_findMatch)
        pen = QPen(palette.color(QPalette::Text), 2.0, Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(fill);
    painter->drawRoundedRect(m_rect, kRadius, kRadius);

    // Below about 40 % zoom the text is unreadable anyway: skip it so large graphs stay fluid.
    if (option->levelOfDetailFromTransform(painter->worldTransform()) < 0.4) return;
    const QColor text = textColourOn(fill);
    const QFont base = widget ? widget->font() : QApplication::font();
    const QFontMetricsF bold(titleFont(base)), normal(base);
    const QRectF inner = m_rect.adjusted(kPadX, kPadY, -kPadX, -kPadY);
    painter->setPen(text);
    painter->setFont(titleFont(base));
    painter->drawText(QRectF(inner.left(), inner.top(), inner.width(), bold.height()),
        Qt::AlignHCenter | Qt::AlignVCenter, bold.elidedText(m_title, Qt::ElideMiddle, inner.width()));
    painter->setFont(base);
    const QString subtitle = m_valueText.isEmpty() ? m_subtitle : m_subtitle + QStringLiteral(" \u00b7 ") + m_valueText;
    painter->drawText(QRectF(inner.left(), inner.bottom() - normal.height(), inner.width(), normal.height()),
        Qt::AlignHCenter | Qt::AlignVCenter, normal.elidedText(subtitle, Qt::ElideRight, inner.width()));
}

LayerEdgeItem::LayerEdgeItem(const QPainterPath& path, const QPointF& arrowBase, const QPointF& arrowTip, QString label)
    : m_path(path)
    , m_label(std::move(label))
{
    setZValue(-1);
    // Arrow head: a triangle from the spline's end to the tip Graphviz left room for.
    QLineF axis(arrowTip, arrowBase);
    if (axis.length() < 1e-6) axis = QLineF(arrowTip, arrowTip + QPointF(0, -1));
    axis.setLength(9.0);
    QLineF left = axis, right = axis;
    left.setAngle(axis.angle() + 22);
    right.setAngle(axis.angle() - 22);
    m_arrow << arrowTip << left.p2() << right.p2();
    m_path.lineTo(arrowTip);

    // The shape label sits beside the middle of the edge, to its right.
    m_labelPos = m_path.pointAtPercent(0.5) + QPointF(6, 4);
    QFontMetricsF fm(QApplication::font());
    m_bounds
        = m_path.boundingRect()
              .united(m_arrow.boundingRect())
              .united(QRectF(m_labelPos - QPointF(0, fm.ascent()), QSizeF(fm.horizontalAdvance(m_label), fm.height())));
    m_bounds.adjust(-2, -2, 2, 2);
}

QColor LayerEdgeItem::colour(const QPalette& palette)
{
    // Softer than the node text, but still 4.5:1 on the view's background in both themes (test_theme).
    QColor c = palette.color(QPalette::Text);
    c.setAlpha(200);
    return c;
}

QRectF LayerEdgeItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath LayerEdgeItem::shape() const
{
    return m_path;
}

void LayerEdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget)
{
    const QColor colour = LayerEdgeItem::colour(widget ? widget->palette() : QApplication::palette());
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(colour, 1.2));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setBrush(colour);
    painter->drawPolygon(m_arrow);
    if (option->levelOfDetailFromTransform(painter->worldTransform()) < 0.4) return;
    QFont font = widget ? widget->font() : QApplication::font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    painter->setFont(font);
    painter->drawText(m_labelPos, m_label);
}

} // namespace luthier::widgets
