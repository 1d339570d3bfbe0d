#pragma once
// Per-tile grids over the device (DESIGN.md section 6), Qt-free: the floorplan view renders them, the CLI
// dumps them as CSV (`x,y,value` rows), the exporter may derive pblocks from them.
//   lut       LUT utilisation: LUT demand of the units in a tile's cell / the cell's LUT capacity, on every
//             tile that has LUTs (0..1; 0 on DSP/BRAM/IO tiles and holes);
//   rudy      wire demand (RUDY): sum over nets whose bounding box covers the tile of wires * (W+H)/(W*H);
//   muxfanin  multiplexer inputs per LUT tile: the mux fan-in of a cell's multiplexer banks spread over
//             its LUT tiles.

#include "device/device.h"
#include "place/netlist.h"
#include "place/placer.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::place {

struct Heatmap {
    std::string name; // "lut", "rudy", "muxfanin"
    std::string unit; // what a value means, for legends
    int width = 0, height = 0; // the device grid
    std::vector<double> values; // row-major from row 0 (bottom)

    double at(int x, int y) const { return values[size_t(y) * size_t(width) + size_t(x)]; }
    double& at(int x, int y) { return values[size_t(y) * size_t(width) + size_t(x)]; }
    double max() const;
    double sum() const;
};

std::vector<std::string> heatmapNames(); // every name heatmap() accepts

Heatmap lutUtilisation(const device::Device& device, const Netlist& netlist, const Placement& placement);
Heatmap wireDemand(const Netlist& netlist, const Placement& placement);
Heatmap muxFanIn(const device::Device& device, const Netlist& netlist, const Placement& placement);
// By name; throws luthier::Error listing the names for an unknown one.
Heatmap heatmap(
    std::string_view name, const device::Device& device, const Netlist& netlist, const Placement& placement);

// "x,y,value" header, then one row per tile (x fastest). Throws luthier::Error when the file cannot be written.
void writeCsv(const Heatmap& map, const std::filesystem::path& file);

} // namespace luthier::place
