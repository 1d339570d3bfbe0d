#include "floorplan_legend.h"

#include <QLocale>
#include <QPainter>

namespace luthier::widgets {

FloorplanLegend::FloorplanLegend(QWidget* parent)
    : QWidget(parent)
{
}

void FloorplanLegend::setHeatmap(const QString& title, const QString& unit)
{
    m_title = title;
    m_unit = unit;
    update();
}

void FloorplanLegend::setRange(const ColourRange& range)
{
    m_range = range;
    update();
}

void FloorplanLegend::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QFontMetrics fm(font());
    const int margin = 6;
    QRect titleBox(margin, margin, width() - 2 * margin, fm.height() * 4);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(palette().color(QPalette::WindowText));
    const QRect used = painter.boundingRect(titleBox, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, m_title);
    painter.drawText(titleBox, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, m_title);
    painter.setFont(font());
    QRect unitBox(margin, used.bottom() + 2, width() - 2 * margin, fm.height() * 3);
    const QRect unitUsed = painter.boundingRect(unitBox, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, m_unit);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(unitBox, Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, m_unit);

    // The bar: high values at the top.
    const int barTop = unitUsed.bottom() + fm.height(), barBottom = height() - margin - 3 * fm.height();
    const int barWidth = 22;
    if (barBottom - barTop < 20) return;
    for (int y = barTop; y <= barBottom; ++y) {
        const double t = double(barBottom - y) / double(barBottom - barTop);
        painter.setPen(viridis(t));
        painter.drawLine(margin, y, margin + barWidth, y);
    }
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(margin, barTop, barWidth, barBottom - barTop);
    painter.setPen(palette().color(QPalette::WindowText));
    const int ticks = 5;
    for (int i = 0; i < ticks; ++i) {
        const double t = double(i) / (ticks - 1);
        const int y = barBottom - int(t * (barBottom - barTop));
        const double v = scaleValue(t, m_range.lo, m_range.hi, m_range.scale);
        painter.drawLine(margin + barWidth, y, margin + barWidth + 4, y);
        painter.drawText(QRect(margin + barWidth + 8, y - fm.height() / 2, width(), fm.height()),
            Qt::AlignLeft | Qt::AlignVCenter, QLocale().toString(v, 'g', 3));
    }
    const QString scale = m_range.scale == ColourScale::Log ? tr("log scale") : tr("linear scale");
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QRect(margin, barBottom + 6, width(), fm.height()), Qt::AlignLeft, scale);
    const int swatchY = barBottom + 8 + fm.height();
    painter.fillRect(margin, swatchY, barWidth, fm.height() - 2, QColor::fromRgb(kNoDataColour));
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRect(margin + barWidth + 8, swatchY - 1, width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
        tr("no LUTs"));
}

} // namespace luthier::widgets
