#include "place/region_grid.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace luthier::place {

using device::Resources;
using device::TileRect;
using device::withThousands;

namespace {

// "14,432 LUT and 3 BRAM" for the resources where `need` exceeds `have`, or "" when it fits.
std::string shortfall(const Resources& need, const Resources& have)
{
    std::string needs, holds;
    auto add = [&](int64_t n, int64_t h, const char* what) {
        if (n <= h) return;
        needs += std::string(needs.empty() ? "" : ", ") + withThousands(n) + " " + what;
        holds += std::string(holds.empty() ? "" : ", ") + withThousands(h) + " " + what;
    };
    add(need.luts, have.luts, "LUT");
    add(need.ffs, have.ffs, "FF");
    add(need.dsps, have.dsps, "DSP");
    add(need.brams, have.brams, "BRAM");
    return needs.empty() ? std::string() : "needs " + needs + " but holds only " + holds;
}

} // namespace

RegionGrid::RegionGrid(
    const device::Device& device, const Netlist& netlist, const Constraints& constraints, int binCols, int binRows)
    : m_part(device.part())
{
    std::vector<std::string> problems;
    const TileRect bounds = device.bounds();
    const std::string deviceText = "device " + device.part() + " (" + toString(bounds) + ")";

    // Pblocks: each names a layer (all its units) or a single unit.
    std::vector<int> unitPblock(netlist.units.size(), -1), layerPblock(netlist.layers.size(), -1);
    std::vector<std::string> pblockTargets;
    for (const auto& [name, pblock] : constraints.pblocks) {
        const int index = int(m_pblockNames.size());
        m_pblockNames.push_back(name);
        m_pblockRects.push_back(pblock.rect);
        if (!bounds.contains(pblock.rect))
            problems.push_back(
                "pblock '" + name + "' (" + toString(pblock.rect) + ") reaches outside the " + deviceText);
        if (const int layer = netlist.findLayer(name); layer >= 0)
            layerPblock[size_t(layer)] = index;
        else if (const int unit = netlist.findUnit(name); unit >= 0)
            unitPblock[size_t(unit)] = index;
        else
            problems.push_back("pblock '" + name + "' names no layer or unit of the design");
    }
    // An exclusive pblock owns its tiles: no other pblock may claim any of them.
    for (auto a = constraints.pblocks.begin(); a != constraints.pblocks.end(); ++a)
        for (auto b = std::next(a); b != constraints.pblocks.end(); ++b)
            if ((a->second.exclusive || b->second.exclusive) && a->second.rect.intersects(b->second.rect))
                problems.push_back(std::string(a->second.exclusive ? "exclusive " : "") + "pblock '" + a->first + "' ("
                    + toString(a->second.rect) + ") overlaps " + (b->second.exclusive ? "exclusive " : "") + "pblock '"
                    + b->first + "' (" + toString(b->second.rect) + ")");
    for (size_t k = 0; k < constraints.keepOut.size(); ++k)
        if (!bounds.contains(constraints.keepOut[k]))
            problems.push_back("keep-out " + std::to_string(k) + " (" + toString(constraints.keepOut[k])
                + ") reaches outside the " + deviceText);
    std::vector<int> layerSlr(netlist.layers.size(), -1);
    for (const auto& [name, slr] : constraints.slr) {
        const int layer = netlist.findLayer(name);
        if (layer < 0)
            problems.push_back("SLR assignment names no layer of the design: '" + name + "'");
        else if (slr >= device.slrCount())
            problems.push_back("layer '" + name + "' is assigned to SLR " + std::to_string(slr) + " but "
                + device.part() + " has " + std::to_string(device.slrCount()) + " SLR(s), numbered from 0");
        else
            layerSlr[size_t(layer)] = slr;
    }

    // Cut lines: the nominal bins, then every constraint edge and SLR boundary (clipped to the device).
    auto cuts = [](int size, int step, std::vector<int> extra) {
        for (int v = 0; v < size; v += std::max(1, step))
            extra.push_back(v);
        extra.push_back(size);
        std::erase_if(extra, [&](int v) { return v < 0 || v > size; });
        std::sort(extra.begin(), extra.end());
        extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
        return extra;
    };
    std::vector<int> xs, ys;
    auto addRect = [&](const TileRect& r) {
        xs.push_back(r.col0);
        xs.push_back(r.col1 + 1);
        ys.push_back(r.row0);
        ys.push_back(r.row1 + 1);
    };
    for (const auto& [name, pblock] : constraints.pblocks)
        addRect(pblock.rect);
    for (const TileRect& r : constraints.keepOut)
        addRect(r);
    for (const TileRect& s : device.info().slrs)
        ys.push_back(s.row0);
    m_xEdges = cuts(device.width(), binCols, xs);
    m_yEdges = cuts(device.height(), binRows, ys);

    for (int j = 0; j < rows(); ++j)
        for (int i = 0; i < columns(); ++i) {
            Cell c;
            c.rect = { m_xEdges[size_t(i)], m_yEdges[size_t(j)], m_xEdges[size_t(i) + 1] - 1,
                m_yEdges[size_t(j) + 1] - 1 };
            c.capacity = device.resourcesIn(c.rect);
            c.slr = device.slrOfRow(c.rect.row0);
            // Cells never straddle a constraint edge, so containing one tile means containing the cell.
            c.keepOut = std::any_of(constraints.keepOut.begin(), constraints.keepOut.end(),
                [&](const TileRect& k) { return k.contains(c.rect.col0, c.rect.row0); });
            for (size_t p = 0; p < m_pblockRects.size(); ++p)
                if (constraints.pblocks.at(m_pblockNames[p]).exclusive
                    && m_pblockRects[p].contains(c.rect.col0, c.rect.row0))
                    c.exclusivePblock = int(p);
            m_cells.push_back(c);
        }

    // Demand in this device's resources: block RAM counts arrive as RAMB36 equivalents.
    const int64_t bramBits = device.tileType(device::TileKind::Bram).bramBits;
    for (const Unit& u : netlist.units) {
        Resources d = u.demand;
        if (bramBits > 0 && bramBits != 36864) d.brams = (u.demand.brams * 36864 + bramBits - 1) / bramBits;
        m_demand.push_back(d);
    }

    // Each unit's region: its own pblock, else its layer's; within its layer's SLR.
    for (size_t u = 0; u < netlist.units.size(); ++u) {
        UnitRegion r;
        const int layer = netlist.units[u].layer;
        r.pblock = unitPblock[u] >= 0 ? unitPblock[u] : layerPblock[size_t(layer)];
        r.slr = layerSlr[size_t(layer)];
        r.i0 = 0, r.i1 = columns() - 1, r.j0 = 0, r.j1 = rows() - 1;
        if (r.pblock >= 0) cellRange(m_pblockRects[size_t(r.pblock)], r.i0, r.i1, r.j0, r.j1);
        if (r.slr >= 0) {
            int si0, si1, sj0, sj1;
            cellRange(device.info().slrs[size_t(r.slr)], si0, si1, sj0, sj1);
            r.j0 = std::max(r.j0, sj0);
            r.j1 = std::min(r.j1, sj1);
        }
        m_regions.push_back(r);
    }
    if (!problems.empty()) {
        std::string message = "infeasible placement constraints on " + device.part() + ":";
        for (const std::string& p : problems)
            message += "\n  " + p;
        throw Error(message);
    }

    // Capacity: units sharing a region (pblock, SLR) against the cells they may use.
    std::map<std::pair<int, int>, std::vector<int>> groups;
    for (size_t u = 0; u < netlist.units.size(); ++u)
        groups[{ m_regions[u].pblock, m_regions[u].slr }].push_back(int(u));
    for (const auto& [key, units] : groups) {
        const int u0 = units.front();
        const UnitRegion& r = m_regions[size_t(u0)];
        if (r.pblock >= 0 && r.slr >= 0 && (r.j0 > r.j1 || r.i0 > r.i1)) {
            problems.push_back(describeRegion(u0) + " lies outside SLR " + std::to_string(r.slr) + " ("
                + toString(device.info().slrs[size_t(r.slr)]) + ") assigned to layer '"
                + netlist.layers[size_t(netlist.units[size_t(u0)].layer)] + "'");
            continue;
        }
        Resources need, have;
        for (int u : units)
            need += m_demand[size_t(u)];
        for (int j = r.j0; j <= r.j1; ++j)
            for (int i = r.i0; i <= r.i1; ++i)
                if (allowed(u0, cellIndex(i, j))) have += m_cells[size_t(cellIndex(i, j))].capacity;
        std::string who;
        if (r.pblock >= 0 && netlist.findLayer(m_pblockNames[size_t(r.pblock)]) >= 0)
            who = "layer '" + m_pblockNames[size_t(r.pblock)] + "'";
        else if (r.pblock >= 0)
            who = "unit '" + m_pblockNames[size_t(r.pblock)] + "'";
        else
            who = std::to_string(units.size()) + " unit(s)";
        if (const std::string s = shortfall(need, have); !s.empty())
            problems.push_back(describeRegion(u0) + ": " + who + " " + s
                + (constraints.keepOut.empty() ? "" : " (outside keep-outs)"));
    }
    Resources total, usable;
    for (const Resources& d : m_demand)
        total += d;
    for (const Cell& c : m_cells)
        if (!c.keepOut) usable += c.capacity;
    if (const std::string s = shortfall(total, usable); !s.empty())
        problems.push_back(
            "the design " + s + " on " + device.part() + (constraints.keepOut.empty() ? "" : " outside keep-outs"));
    if (!problems.empty()) {
        std::string message = "infeasible placement constraints on " + device.part() + ":";
        for (const std::string& p : problems)
            message += "\n  " + p;
        throw Error(message);
    }
}

void RegionGrid::cellRange(const TileRect& rect, int& i0, int& i1, int& j0, int& j1) const
{
    // Rectangles are cut lines, so their edges are cell edges.
    i0 = int(std::lower_bound(m_xEdges.begin(), m_xEdges.end(), rect.col0) - m_xEdges.begin());
    i1 = int(std::upper_bound(m_xEdges.begin(), m_xEdges.end(), rect.col1) - m_xEdges.begin()) - 1;
    j0 = int(std::lower_bound(m_yEdges.begin(), m_yEdges.end(), rect.row0) - m_yEdges.begin());
    j1 = int(std::upper_bound(m_yEdges.begin(), m_yEdges.end(), rect.row1) - m_yEdges.begin()) - 1;
}

bool RegionGrid::allowed(int unit, int cell) const
{
    const UnitRegion& r = m_regions[size_t(unit)];
    const int i = cell % columns(), j = cell / columns();
    if (i < r.i0 || i > r.i1 || j < r.j0 || j > r.j1) return false;
    const Cell& c = m_cells[size_t(cell)];
    return !c.keepOut && (c.exclusivePblock < 0 || c.exclusivePblock == r.pblock);
}

std::string RegionGrid::describeRegion(int unit) const
{
    const UnitRegion& r = m_regions[size_t(unit)];
    std::string text;
    if (r.pblock >= 0)
        text = "pblock '" + m_pblockNames[size_t(r.pblock)] + "' (" + toString(m_pblockRects[size_t(r.pblock)]) + ")";
    if (r.slr >= 0) text += (text.empty() ? "" : " in ") + std::string("SLR ") + std::to_string(r.slr);
    return text.empty() ? "device " + m_part : text;
}

} // namespace luthier::place
