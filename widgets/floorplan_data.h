#pragma once
// What the floorplan shows, built once off the GUI thread and shared read-only with the renderer
// (nextpnr-style: geometry prepared in the background, the view only draws). A device alone (no
// placement yet) is valid: the view then shows the bare grid and still edits pblocks.
//
// Level of detail: every heatmap keeps a max pyramid. Level k holds the maximum over 2^k x 2^k tiles, so
// when tiles shrink below 2 px the renderer reads the level where a block is at least 2 px wide and a
// single hot tile still shows (a mean would wash it out).

#include "device/device.h"
#include "place/heatmap.h"
#include "place/netlist.h"
#include "place/placer.h"

#include <QColor>
#include <QString>
#include <memory>
#include <vector>

namespace luthier::widgets {

struct HeatmapPyramid {
    place::Heatmap map; // level 0 as the placer computed it
    // levels[k]: ceil(width / 2^k) x ceil(height / 2^k) values, row-major from the bottom row; NaN marks
    // a block with no data (only tiles without LUTs whose value is 0, e.g. DSP/BRAM/IO columns).
    std::vector<std::vector<float>> levels;
    double maxValue = 0.0;
    double minPositive = 0.0; // smallest value > 0 (the log scale's natural floor), 0 when none

    int levelWidth(int k) const { return (map.width + (1 << k) - 1) >> k; }
    int levelHeight(int k) const { return (map.height + (1 << k) - 1) >> k; }
    float at(int k, int i, int j) const { return levels[size_t(k)][size_t(j) * size_t(levelWidth(k)) + size_t(i)]; }
};

// `noData(x, y)`: tiles that carry no value for this map (painted neutral, ignored by the max).
HeatmapPyramid buildPyramid(place::Heatmap map, const std::vector<uint8_t>& noData);

struct FloorplanData {
    std::shared_ptr<const device::Device> device;
    std::shared_ptr<const place::Netlist> netlist; // null: device only
    std::shared_ptr<const place::Placement> placement; // null: device only
    std::vector<HeatmapPyramid> heatmaps; // in place::heatmapNames() order; empty without a placement
    std::vector<device::TileRect> layerBounds; // per netlist layer; {-1,-1,-1,-1} for an empty layer
    std::vector<std::vector<int>> cellUnits; // per placement cell: the units placed there
    std::vector<uint8_t> lutTile; // per tile (row-major from the bottom): holds LUTs

    int layerCount() const { return netlist ? int(netlist->layers.size()) : 0; }
    // The placement cell holding tile (x, y), or -1.
    int cellAt(int x, int y) const;
    // The layer whose unit covers tile (x, y), or -1 (the first unit's layer when several share the cell).
    int layerAt(int x, int y) const;
    // Tooltip text: tile, kind, every heatmap's value, and the layers with units in the tile's cell.
    QString describeTile(int x, int y) const;
};

// Builds the pyramids and lookups. Netlist and placement must both be given or both be null.
std::shared_ptr<const FloorplanData> buildFloorplanData(std::shared_ptr<const device::Device> device,
    std::shared_ptr<const place::Netlist> netlist, std::shared_ptr<const place::Placement> placement);

// A qualitative colour per layer (Okabe-Ito, colour-blind safe), cycling after seven layers.
QColor layerColour(int layer);

QString heatmapTitle(const std::string& name); // "LUT utilisation", "Wire demand (RUDY)", "Multiplexer fan-in"

} // namespace luthier::widgets
