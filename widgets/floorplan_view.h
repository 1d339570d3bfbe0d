#pragma once
// The device floorplan: a heatmap over the tile grid (rendered off the GUI thread by renderFloorplan),
// clock-region and SLR outlines, each layer's bounding box in its colour, and the project's pblocks,
// which the pblock tool creates, moves, resizes and deletes with the mouse (snapped to tiles, one undo
// command per gesture).
//
// Mouse: wheel zooms about the cursor; middle-drag pans, and so does left-drag with the pan tool; a
// left click (no drag) on a unit selects its layer. Pblock tool, for the selected layer: drag on empty
// tiles draws its pblock, drag inside moves it, drag on an edge or corner resizes it; Delete removes it.
// While a new image renders, the previous one is drawn scaled into place, so pan and zoom never wait.

#include "floorplan_render.h"
#include "project/project_file.h"

#include <QFutureWatcher>
#include <QWidget>
#include <memory>
#include <optional>

namespace luthier::widgets {

class PblockModel;

class FloorplanView : public QWidget {
    Q_OBJECT
public:
    enum class Tool { Pan, Pblock };

    explicit FloorplanView(QWidget* parent = nullptr);
    ~FloorplanView() override;

    void setData(std::shared_ptr<const FloorplanData> data); // keeps the view when the device is the same
    const std::shared_ptr<const FloorplanData>& data() const { return m_data; }
    void setPblockModel(PblockModel* model);
    void setHeatmap(int index);
    void setColourRange(const ColourRange& range);
    void setTool(Tool tool);
    Tool tool() const { return m_tool; }
    // The layer pblock edits apply to (netlist / project layer name); empty: none.
    void setSelectedLayer(const QString& name);
    QString selectedLayer() const { return m_selectedLayer; }

    const FloorplanViewport& viewport() const { return m_viewport; }
    void setViewport(double x0, double yTop, double pixelsPerTile);
    void zoomToFit();
    void zoomBy(double factor, QPointF anchor);
    // The tile under a widget position (may lie outside the device).
    QPoint tileAt(QPointF pos) const;
    // Blocks until the image for the current viewport is ready (tests and screenshots).
    void waitForRender();
    int renderedLevel() const { return m_image.level; }
    const QImage& renderedImage() const { return m_image.image; }

    QSize sizeHint() const override { return { 640, 480 }; }

Q_SIGNALS:
    void layerClicked(int layer, const QString& name); // netlist layer index and name
    void tileHovered(int x, int y);
    void rendered();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    enum class Drag { None, Pan, Create, Move, Resize };
    struct Edges {
        bool left = false, right = false, bottom = false, top = false;
        bool any() const { return left || right || bottom || top; }
    };

    void requestRender();
    void onRenderFinished();
    QRectF tileRectToWidget(int col0, int row0, int col1, int row1) const;
    Edges edgesAt(QPointF pos) const; // which edges of the selected layer's pblock lie under pos
    std::optional<project::TileRect> selectedPblock() const;
    project::TileRect draggedRect(QPointF pos) const;
    void drawOverlays(class QPainter& painter);
    void updateCursor(QPointF pos);

    std::shared_ptr<const FloorplanData> m_data;
    PblockModel* m_pblocks = nullptr;
    int m_heatmap = 0;
    ColourRange m_range;
    Tool m_tool = Tool::Pan;
    QString m_selectedLayer;
    FloorplanViewport m_viewport;
    bool m_fitPending = true;

    RenderResult m_image;
    QFutureWatcher<RenderResult> m_watcher;
    bool m_renderPending = false;

    Drag m_drag = Drag::None;
    QPointF m_pressPos, m_lastPos;
    bool m_moved = false;
    Edges m_resizeEdges;
    project::TileRect m_dragOrigin; // the pblock when a move or resize began
    std::optional<project::TileRect> m_preview; // the rectangle while dragging
};

} // namespace luthier::widgets
