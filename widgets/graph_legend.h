#pragma once
// The colour key of the layer graph: a gradient with its range (linear or log), or one swatch per value
// when the metric takes a few integer values (bit-widths), plus the "not applicable" swatch.

#include <QVector>
#include <QWidget>

namespace luthier::widgets {

class GraphLegend : public QWidget {
    Q_OBJECT
public:
    explicit GraphLegend(QWidget* parent = nullptr);

    struct Scale {
        QString title;
        double min = 0.0, max = 0.0;
        bool log = false;
        QVector<double> discrete; // non-empty: show these values as swatches instead of a gradient
        bool hasValues = false;
    };
    void setScale(const Scale& scale);
    const Scale& scale() const { return m_scale; }
    // Where `value` falls on the colour map, 0..1.
    double position(double value) const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    Scale m_scale;
};

} // namespace luthier::widgets
