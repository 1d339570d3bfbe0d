#include "graph_layout.h"

#include <graphviz/gvc.h>
#include <graphviz/types.h>
#include <mutex>

namespace luthier::widgets {

namespace {

std::mutex& graphvizMutex()
{
    static std::mutex mutex;
    return mutex;
}

// cgraph takes char* for names it never modifies.
char* cstr(const char* s)
{
    return const_cast<char*>(s);
}

QByteArray inches(double points)
{
    return QByteArray::number(points / 72.0, 'f', 4);
}

} // namespace

LayoutResult computeLayout(const LayoutRequest& request)
{
    const std::lock_guard lock(graphvizMutex());
    LayoutResult result;
    GVC_t* gvc = gvContext();
    Agraph_t* g = agopen(cstr("layers"), Agdirected, nullptr);
    agattr(g, AGRAPH, cstr("rankdir"), cstr("TB"));
    agattr(g, AGRAPH, cstr("nodesep"), cstr("0.35"));
    QByteArray rankGap = inches(request.rankGap);
    agattr(g, AGRAPH, cstr("ranksep"), rankGap.data());
    agattr(g, AGNODE, cstr("shape"), cstr("box"));
    agattr(g, AGNODE, cstr("fixedsize"), cstr("true"));
    agattr(g, AGNODE, cstr("label"), cstr(""));
    agattr(g, AGNODE, cstr("width"), cstr("1"));
    agattr(g, AGNODE, cstr("height"), cstr("0.5"));
    QVector<Agnode_t*> nodes;
    nodes.reserve(request.nodes.size());
    for (int i = 0; i < request.nodes.size(); ++i) {
        QByteArray name = QByteArray::number(i);
        QByteArray width = inches(request.nodes[i].size.width());
        QByteArray height = inches(request.nodes[i].size.height());
        Agnode_t* n = agnode(g, name.data(), 1);
        agsafeset(n, cstr("width"), width.data(), cstr("1"));
        agsafeset(n, cstr("height"), height.data(), cstr("0.5"));
        nodes.push_back(n);
    }
    QVector<Agedge_t*> edges;
    for (const LayoutRequest::Edge& e : request.edges) {
        Agedge_t* edge = agedge(g, nodes[e.from], nodes[e.to], nullptr, 1);
        edges.push_back(edge);
    }

    if (gvLayout(gvc, g, "dot") != 0) {
        result.error = QStringLiteral("Graphviz dot layout failed");
        agclose(g);
        gvFreeContext(gvc);
        return result;
    }

    // Graphviz has y up with the origin at the bottom-left of the bounding box; the scene has y down.
    const boxf bb = GD_bb(g);
    const auto toScene = [&](pointf p) { return QPointF(p.x - bb.LL.x, bb.UR.y - p.y); };
    result.bounds = QRectF(0, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
    for (Agnode_t* n : nodes) {
        const QPointF c = toScene(ND_coord(n));
        const double w = ND_width(n) * 72.0, h = ND_height(n) * 72.0;
        result.nodes.push_back(QRectF(c.x() - w / 2, c.y() - h / 2, w, h));
    }
    for (int i = 0; i < edges.size(); ++i) {
        LayoutResult::Edge out;
        out.from = request.edges[i].from;
        out.to = request.edges[i].to;
        if (const splines* spl = ED_spl(edges[i]); spl && spl->size > 0) {
            const bezier& bz = spl->list[0];
            for (int k = 0; k < bz.size; ++k)
                out.bezier.push_back(toScene(bz.list[k]));
            out.arrowTip = bz.eflag ? toScene(bz.ep) : out.bezier.isEmpty() ? QPointF() : out.bezier.back();
        }
        result.edges.push_back(out);
    }
    gvFreeLayout(gvc, g);
    agclose(g);
    gvFreeContext(gvc);
    return result;
}

} // namespace luthier::widgets
