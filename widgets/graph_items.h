#pragma once
// Scene items of the layer graph: a node per layer and an edge per producer -> consumer connection.

#include <QColor>
#include <QGraphicsItem>
#include <QPainterPath>
#include <QPalette>

namespace luthier::widgets {

class LayerNodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    LayerNodeItem(int layer, const QRectF& rect, QString title, QString subtitle);

    int layer() const { return m_layer; }
    QString title() const { return m_title; }
    // An invalid fill (a layer without a value for the metric) is the palette's button colour when painted, so
    // it follows a change of theme.
    QColor fill() const { return m_fill; }
    QColor fill(const QPalette& palette) const;
    void setFill(const QColor& fill, const QString& valueText);
    void setFindMatch(bool match);

    // Node size for a title and subtitle in the view's font (the layout needs sizes before items exist).
    static QSizeF sizeFor(const QString& title, const QString& subtitle, const QFont& font);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    int m_layer;
    QRectF m_rect;
    QString m_title, m_subtitle, m_valueText;
    QColor m_fill;
    bool m_findMatch = false;
};

class LayerEdgeItem : public QGraphicsItem {
public:
    LayerEdgeItem(const QPainterPath& path, const QPointF& arrowBase, const QPointF& arrowTip, QString label);

    // The line, arrow and shape label colour, from the palette it is painted with: taken once when the graph was
    // laid out, it stayed dark on the dark theme's background (issue 25).
    static QColor colour(const QPalette& palette);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QPainterPath m_path;
    QPolygonF m_arrow;
    QString m_label;
    QPointF m_labelPos;
    QRectF m_bounds;
};

} // namespace luthier::widgets
