#include "graph_legend.h"

#include "colour_map.h"
#include "format.h"

#include <QLinearGradient>
#include <QPainter>
#include <QtMath>

namespace luthier::widgets {

namespace {
constexpr int kPad = 8, kBarWidth = 180, kBarHeight = 12, kSwatch = 12;

QString valueText(double v)
{
    return std::abs(v - std::round(v)) < 1e-9 ? groupedNumber(int64_t(std::llround(v))) : QString::number(v, 'g', 3);
}
} // namespace

GraphLegend::GraphLegend(QWidget* parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
}

void GraphLegend::setScale(const Scale& scale)
{
    m_scale = scale;
    resize(sizeHint());
    update();
}

double GraphLegend::position(double value) const
{
    if (m_scale.max <= m_scale.min) return 0.5;
    if (m_scale.log) return (std::log(value) - std::log(m_scale.min)) / (std::log(m_scale.max) - std::log(m_scale.min));
    return (value - m_scale.min) / (m_scale.max - m_scale.min);
}

QSize GraphLegend::sizeHint() const
{
    const QFontMetrics fm(font());
    int width = kBarWidth;
    if (!m_scale.discrete.isEmpty()) {
        width = 0;
        for (double v : m_scale.discrete)
            width += kSwatch + 4 + fm.horizontalAdvance(valueText(v)) + 10;
    }
    width = std::max({ width + fm.horizontalAdvance(QStringLiteral("n/a")) + kSwatch + 14,
        fm.horizontalAdvance(m_scale.title) + 8, kBarWidth });
    return { width + 2 * kPad, 2 * kPad + fm.height() * 2 + kBarHeight + 8 };
}

void GraphLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    QColor panel = palette().color(QPalette::Base);
    panel.setAlpha(235);
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(panel);
    p.drawRoundedRect(rect().adjusted(0, 0, -1, -1), 5, 5);

    const QFontMetrics fm(font());
    p.setPen(palette().color(QPalette::Text));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QString title = m_scale.log ? m_scale.title + tr(" (log scale)") : m_scale.title;
    p.drawText(kPad, kPad + fm.ascent(), title);
    p.setFont(font());

    const int barTop = kPad + fm.height() + 4;
    int x = kPad;
    if (!m_scale.hasValues) {
        p.drawText(x, barTop + fm.ascent(), tr("no values yet"));
        x += fm.horizontalAdvance(tr("no values yet")) + 12;
    } else if (!m_scale.discrete.isEmpty()) {
        for (double v : m_scale.discrete) {
            p.setBrush(viridis(position(v)));
            p.setPen(Qt::NoPen);
            p.drawRect(x, barTop, kSwatch, kSwatch);
            p.setPen(palette().color(QPalette::Text));
            p.drawText(x + kSwatch + 4, barTop + kSwatch - 1, valueText(v));
            x += kSwatch + 4 + fm.horizontalAdvance(valueText(v)) + 10;
        }
    } else {
        QLinearGradient gradient(x, 0, x + kBarWidth, 0);
        for (int i = 0; i <= 10; ++i)
            gradient.setColorAt(i / 10.0, viridis(i / 10.0));
        p.setPen(Qt::NoPen);
        p.setBrush(gradient);
        p.drawRect(x, barTop, kBarWidth, kBarHeight);
        p.setPen(palette().color(QPalette::Text));
        const int labelY = barTop + kBarHeight + fm.ascent() + 2;
        p.drawText(x, labelY, valueText(m_scale.min));
        const QString maxText = valueText(m_scale.max);
        p.drawText(x + kBarWidth - fm.horizontalAdvance(maxText), labelY, maxText);
        x += kBarWidth + 10;
    }
    // The swatch for layers the metric does not apply to.
    p.setBrush(palette().color(QPalette::Button));
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(x, barTop, kSwatch, kSwatch);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(x + kSwatch + 4, barTop + kSwatch - 1, tr("n/a"));
}

} // namespace luthier::widgets
