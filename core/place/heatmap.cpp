#include "place/heatmap.h"

#include "util/atomic_file.h"
#include "util/error.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace luthier::place {

using device::TileRect;

double Heatmap::max() const
{
    return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}
double Heatmap::sum() const
{
    return std::accumulate(values.begin(), values.end(), 0.0);
}

std::vector<std::string> heatmapNames()
{
    return { "lut", "rudy", "muxfanin" };
}

namespace {

Heatmap blank(const std::string& name, const std::string& unit, const Placement& placement)
{
    Heatmap map { name, unit, placement.width, placement.height, {} };
    map.values.assign(size_t(map.width) * size_t(map.height), 0.0);
    return map;
}

// Spreads a per-cell quantity evenly over the cell's tiles that hold LUTs.
Heatmap perLutTile(const std::string& name, const std::string& unit, const device::Device& device,
    const Placement& placement, const std::vector<double>& perCell, bool divideByCapacity)
{
    Heatmap map = blank(name, unit, placement);
    for (size_t c = 0; c < placement.cells.size(); ++c) {
        const TileRect& r = placement.cells[c];
        const device::Resources capacity = device.resourcesIn(r);
        int64_t lutTiles = 0;
        for (int x = r.col0; x <= r.col1; ++x)
            for (int y = r.row0; y <= r.row1; ++y)
                lutTiles += device.tileResources(x, y).luts > 0;
        if (lutTiles == 0 || perCell[c] == 0) continue;
        const double value = divideByCapacity ? perCell[c] / double(capacity.luts) : perCell[c] / double(lutTiles);
        for (int x = r.col0; x <= r.col1; ++x)
            for (int y = r.row0; y <= r.row1; ++y)
                if (device.tileResources(x, y).luts > 0) map.at(x, y) = value;
    }
    return map;
}

} // namespace

Heatmap lutUtilisation(const device::Device& device, const Netlist& netlist, const Placement& placement)
{
    std::vector<double> luts(placement.cells.size(), 0.0);
    for (size_t u = 0; u < netlist.units.size(); ++u)
        luts[size_t(placement.unitCell[u])] += double(placement.unitDemand[u].luts);
    return perLutTile("lut", "fraction of the tile's LUTs used", device, placement, luts, true);
}

Heatmap muxFanIn(const device::Device& device, const Netlist& netlist, const Placement& placement)
{
    std::vector<double> inputs(placement.cells.size(), 0.0);
    for (size_t u = 0; u < netlist.units.size(); ++u)
        inputs[size_t(placement.unitCell[u])] += double(netlist.units[u].muxInputs);
    return perLutTile("muxfanin", "multiplexer inputs per tile", device, placement, inputs, false);
}

Heatmap wireDemand(const Netlist& netlist, const Placement& placement)
{
    Heatmap map = blank("rudy", "wires per tile (RUDY)", placement);
    const size_t stride = size_t(map.width) + 1;
    std::vector<double> diff(stride * (size_t(map.height) + 1), 0.0);
    for (const Net& net : netlist.nets) {
        TileRect box = placement.unitRect(net.units.front());
        for (int u : net.units)
            box = box.unite(placement.unitRect(u));
        const double w = box.width(), h = box.height();
        const double rho = double(net.wires) * (w + h) / (w * h);
        diff[size_t(box.row0) * stride + size_t(box.col0)] += rho;
        diff[size_t(box.row0) * stride + size_t(box.col1) + 1] -= rho;
        diff[size_t(box.row1 + 1) * stride + size_t(box.col0)] -= rho;
        diff[size_t(box.row1 + 1) * stride + size_t(box.col1) + 1] += rho;
    }
    std::vector<double> column(size_t(map.width), 0.0);
    for (int y = 0; y < map.height; ++y) {
        double run = 0;
        for (int x = 0; x < map.width; ++x) {
            run += diff[size_t(y) * stride + size_t(x)];
            column[size_t(x)] += run;
            map.at(x, y) = column[size_t(x)];
        }
    }
    return map;
}

Heatmap heatmap(std::string_view name, const device::Device& device, const Netlist& netlist, const Placement& placement)
{
    if (name == "lut") return lutUtilisation(device, netlist, placement);
    if (name == "rudy") return wireDemand(netlist, placement);
    if (name == "muxfanin") return muxFanIn(device, netlist, placement);
    std::string known;
    for (const std::string& n : heatmapNames())
        known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown heatmap '" + std::string(name) + "' (known: " + known + ")");
}

void writeCsv(const Heatmap& map, const std::filesystem::path& file)
{
    util::AtomicFile out(file);
    out.write("x,y,value\n");
    char buffer[64];
    for (int y = 0; y < map.height; ++y)
        for (int x = 0; x < map.width; ++x) {
            // %.6g keeps the file compact and exact enough for plots; 0 stays "0".
            std::snprintf(buffer, sizeof buffer, "%d,%d,%.6g\n", x, y, map.at(x, y));
            out.write(buffer);
        }
    out.commit();
}

} // namespace luthier::place
