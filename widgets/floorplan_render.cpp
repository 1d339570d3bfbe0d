#include "floorplan_render.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace luthier::widgets {

int detailLevel(double pixelsPerTile)
{
    int k = 0;
    while (k < 30 && pixelsPerTile * double(1 << k) < 2.0)
        ++k;
    return k;
}

namespace {

// Block index of every pixel column / row (-1 outside the device), and whether the pixel starts a tile
// (for the tile grid drawn when tiles are large).
struct Axis {
    std::vector<int> block;
    std::vector<uint8_t> edge;
};

Axis axis(int pixels, int tiles, int blockTiles, double (*toTile)(const FloorplanViewport&, double),
    const FloorplanViewport& v)
{
    Axis a;
    a.block.resize(size_t(pixels));
    a.edge.resize(size_t(pixels));
    int previousTile = std::numeric_limits<int>::min();
    for (int p = 0; p < pixels; ++p) {
        const int tile = int(std::floor(toTile(v, p + 0.5)));
        a.block[size_t(p)] = tile < 0 || tile >= tiles ? -1 : tile / blockTiles;
        a.edge[size_t(p)] = tile != previousTile;
        previousTile = tile;
    }
    return a;
}

QRgb shade(QRgb c) // the tile grid: 15 % darker
{
    return qRgb(qRed(c) * 85 / 100, qGreen(c) * 85 / 100, qBlue(c) * 85 / 100);
}

} // namespace

RenderResult renderFloorplan(const RenderRequest& request)
{
    RenderResult result;
    result.viewport = request.viewport;
    const FloorplanViewport& v = request.viewport;
    if (v.size.isEmpty() || !request.data || !request.data->device) return result;
    const FloorplanData& data = *request.data;
    QImage image(v.size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);

    const int width = data.device->width(), height = data.device->height();
    const bool hasMap = !data.heatmaps.empty();
    const HeatmapPyramid* map
        = hasMap ? &data.heatmaps[size_t(std::clamp(request.heatmap, 0, int(data.heatmaps.size()) - 1))] : nullptr;
    const int level = hasMap ? std::min(detailLevel(v.pixelsPerTile), int(map->levels.size()) - 1) : 0;
    const int blockTiles = hasMap ? 1 << level : 1;
    result.level = level;

    const Axis columns = axis(
        v.size.width(), width, blockTiles, [](const FloorplanViewport& vp, double p) { return vp.tileX(p); }, v);
    const Axis rows = axis(
        v.size.height(), height, blockTiles, [](const FloorplanViewport& vp, double p) { return vp.tileY(p); }, v);
    const bool grid = v.pixelsPerTile >= 6.0;

    // Colours of one block, cached per row run: values repeat across the pixels of a block.
    auto colourOf = [&](int i, int j) -> QRgb {
        if (!hasMap) return data.lutTile[size_t(j) * size_t(width) + size_t(i)] ? kEmptyClbColour : kNoDataColour;
        const float value = map->at(level, i, j);
        if (std::isnan(value)) return kNoDataColour;
        const double t = scalePosition(value, request.range.lo, request.range.hi, request.range.scale);
        return viridisEntry(int(std::lround(t * (kViridisSize - 1))));
    };
    for (int py = 0; py < v.size.height(); ++py) {
        const int j = rows.block[size_t(py)];
        if (j < 0) continue;
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(py));
        int cachedBlock = -1;
        QRgb cached = 0;
        for (int px = 0; px < v.size.width(); ++px) {
            const int i = columns.block[size_t(px)];
            if (i < 0) continue;
            if (i != cachedBlock) {
                cachedBlock = i;
                cached = colourOf(i, j);
            }
            line[px] = grid && (columns.edge[size_t(px)] || rows.edge[size_t(py)]) ? shade(cached) : cached;
        }
    }
    result.image = std::move(image);
    return result;
}

} // namespace luthier::widgets
