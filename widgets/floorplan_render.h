#pragma once
// Renders a floorplan heatmap into a QImage. Pure function of its request, safe on any thread (QImage
// and plain data only), so the view runs it on a worker while the user keeps panning.
//
// Geometry: tile (x, y) covers [x, x + 1) x [y, y + 1) in tile units, y growing upwards; pixel (px, py)
// shows the point (x0 + px / pixelsPerTile, yTop - py / pixelsPerTile).

#include "colour_map.h"
#include "floorplan_data.h"

#include <QImage>
#include <QSize>
#include <memory>

namespace luthier::widgets {

struct FloorplanViewport {
    double x0 = 0.0; // tile coordinate at the left edge
    double yTop = 0.0; // tile coordinate at the top edge
    double pixelsPerTile = 1.0;
    QSize size; // image size in pixels

    double tileX(double px) const { return x0 + px / pixelsPerTile; }
    double tileY(double py) const { return yTop - py / pixelsPerTile; }
    double pixelX(double tileX) const { return (tileX - x0) * pixelsPerTile; }
    double pixelY(double tileY) const { return (yTop - tileY) * pixelsPerTile; }
    bool operator==(const FloorplanViewport&) const = default;
};

struct ColourRange {
    double lo = 0.0, hi = 1.0;
    ColourScale scale = ColourScale::Linear;
    bool operator==(const ColourRange&) const = default;
};

struct RenderRequest {
    std::shared_ptr<const FloorplanData> data;
    int heatmap = 0; // index into data->heatmaps; ignored when there are none
    ColourRange range;
    FloorplanViewport viewport;
};

struct RenderResult {
    QImage image; // ARGB32_Premultiplied, transparent outside the device
    FloorplanViewport viewport;
    int level = 0; // pyramid level used: blocks of 2^level x 2^level tiles
};

// Smallest k with pixelsPerTile * 2^k >= 2 (tiles narrower than 2 px are merged, keeping the max).
int detailLevel(double pixelsPerTile);

// Neutral colours: tiles without data (DSP/BRAM/IO columns, holes) and the device without a placement.
inline constexpr QRgb kNoDataColour = 0xff3a3a3a;
inline constexpr QRgb kEmptyClbColour = 0xff4b4b55;

RenderResult renderFloorplan(const RenderRequest& request);

} // namespace luthier::widgets
