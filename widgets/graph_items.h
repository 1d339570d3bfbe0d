#pragma once
// Scene items of the layer graph: a node per layer and an edge per producer -> consumer connection.

#include <QColor>
#include <QGraphicsItem>
#include <QPainterPath>

namespace luthier::widgets {

class LayerNodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    LayerNodeItem(int layer, const QRectF& rect, QString title, QString subtitle);

    int layer() const { return m_layer; }
    QString title() const { return m_title; }
    QColor fill() const { return m_fill; }
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
    LayerEdgeItem(const QPainterPath& path, const QPointF& arrowBase, const QPointF& arrowTip, QString label,
        const QColor& colour);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QPainterPath m_path;
    QPolygonF m_arrow;
    QString m_label;
    QPointF m_labelPos;
    QColor m_colour;
    QRectF m_bounds;
};

} // namespace luthier::widgets
