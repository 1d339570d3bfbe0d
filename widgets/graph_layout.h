#pragma once
// Layered layout of the layer graph with Graphviz `dot`. Pure data in, pure data out, so it runs on a
// worker thread; Graphviz itself is not thread-safe, so every call holds one process-wide mutex.

#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QVector>

namespace luthier::widgets {

struct LayoutRequest {
    struct Node {
        QSizeF size; // points (1/72 inch), as the view will draw it
    };
    struct Edge {
        int from = 0, to = 0; // node indices
    };
    QVector<Node> nodes;
    QVector<Edge> edges;
    // Vertical gap between ranks in points: room for the tensor-shape label the view draws beside each
    // edge. (Graphviz's own edge labels are sized with whichever text plugin is installed, so they would
    // not match the view's font.)
    double rankGap = 30.0;
};

struct LayoutResult {
    QVector<QRectF> nodes; // scene coordinates (y down), same order as the request
    struct Edge {
        int from = 0, to = 0;
        QVector<QPointF> bezier; // cubic Bezier control points: p0, then (c1, c2, p) triples
        QPointF arrowTip; // where the arrow head ends (at the target node's border)
    };
    QVector<Edge> edges;
    QRectF bounds;
    QString error; // non-empty when Graphviz failed
};

LayoutResult computeLayout(const LayoutRequest& request);

} // namespace luthier::widgets
