#pragma once
// The placer's view of a device: a rectilinear grid of cells (bins of whole tiles) whose cut lines include
// every constraint edge and SLR boundary, so a cell lies entirely inside or outside each pblock, keep-out
// and SLR. Units are placed into cells; a cell's capacity is the sum of its tiles' resources. Building the
// grid also resolves each unit's allowed region and checks that every constraint can be met, reporting
// all infeasible constraints with numbers (never relaxing one).

#include "device/device.h"
#include "place/constraints.h"
#include "place/netlist.h"

#include <string>
#include <vector>

namespace luthier::place {

struct Cell {
    device::TileRect rect;
    device::Resources capacity;
    bool keepOut = false;
    int exclusivePblock = -1; // index into RegionGrid::pblockNames of the exclusive pblock covering it
    int slr = 0;
};

struct UnitRegion {
    int pblock = -1; // index into RegionGrid::pblockNames, or -1
    int slr = -1; // assigned SLR, or -1
    int i0 = 0, i1 = 0, j0 = 0, j1 = 0; // cell-index box holding every allowed cell
};

class RegionGrid {
public:
    // binCols x binRows tiles is the nominal cell size (cells at constraint edges are smaller).
    // Throws luthier::Error listing every infeasible constraint.
    RegionGrid(
        const device::Device& device, const Netlist& netlist, const Constraints& constraints, int binCols, int binRows);

    int columns() const { return int(m_xEdges.size()) - 1; }
    int rows() const { return int(m_yEdges.size()) - 1; }
    int cellIndex(int i, int j) const { return j * columns() + i; }
    const std::vector<Cell>& cells() const { return m_cells; }
    const Cell& cell(int c) const { return m_cells[size_t(c)]; }
    double centerX(int i) const { return 0.5 * (m_xEdges[size_t(i)] + m_xEdges[size_t(i) + 1] - 1); }
    double centerY(int j) const { return 0.5 * (m_yEdges[size_t(j)] + m_yEdges[size_t(j) + 1] - 1); }

    const std::vector<std::string>& pblockNames() const { return m_pblockNames; }
    const UnitRegion& region(int unit) const { return m_regions[size_t(unit)]; }
    // A unit's demand in this device's resources (block RAMs converted from RAMB36 equivalents).
    const device::Resources& demand(int unit) const { return m_demand[size_t(unit)]; }
    bool allowed(int unit, int cell) const;
    // "pblock 'conv1' (X0..9 Y0..29)", "SLR 2", "the device": where a unit may go, for messages.
    std::string describeRegion(int unit) const;

private:
    void cellRange(const device::TileRect& rect, int& i0, int& i1, int& j0, int& j1) const;

    std::vector<int> m_xEdges, m_yEdges; // first tile of each cell column / row, then one past the end
    std::vector<Cell> m_cells;
    std::vector<std::string> m_pblockNames;
    std::vector<device::TileRect> m_pblockRects;
    std::vector<UnitRegion> m_regions;
    std::vector<device::Resources> m_demand;
    std::string m_part;
};

} // namespace luthier::place
