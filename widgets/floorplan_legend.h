#pragma once
// The colour bar beside the floorplan: the heatmap's name and unit, the viridis ramp from the range's
// low to high end (linear or logarithmic ticks), and the neutral colour of tiles without data.

#include "floorplan_render.h"

#include <QWidget>

namespace luthier::widgets {

class FloorplanLegend : public QWidget {
    Q_OBJECT
public:
    explicit FloorplanLegend(QWidget* parent = nullptr);

    void setHeatmap(const QString& title, const QString& unit);
    void setRange(const ColourRange& range);

    QSize sizeHint() const override { return { 150, 320 }; }
    QSize minimumSizeHint() const override { return { 120, 200 }; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_title, m_unit;
    ColourRange m_range;
};

} // namespace luthier::widgets
