#include "device/device.h"

#include "util/enum_names.h"
#include "util/error.h"

#include <algorithm>

namespace luthier::device {

std::string withThousands(int64_t value)
{
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::string toString(const Resources& r)
{
    return withThousands(r.luts) + " LUT, " + withThousands(r.ffs) + " FF, " + withThousands(r.dsps) + " DSP, "
        + withThousands(r.brams) + " BRAM";
}

constexpr util::EnumName<TileKind> kTileKindNames[]
    = { { TileKind::Clb, "CLB" }, { TileKind::Dsp, "DSP" }, { TileKind::Bram, "BRAM" }, { TileKind::Io, "IO" } };

std::string_view toString(TileKind kind)
{
    return util::nameOf(kTileKindNames, kind);
}

Device::Device(DeviceInfo info)
    : m_info(std::move(info))
{
    const std::string where = m_info.sourceFile.empty() ? m_info.part : m_info.sourceFile;
    auto fail = [&](const std::string& what) { throw Error(where + ": " + what); };
    if (m_info.columns.empty() || m_info.rows <= 0) fail("the grid has no columns or no rows");
    // The loader reports these with the key; this catches a DeviceInfo built in code.
    if (width() > kMaxGridColumns || m_info.rows > kMaxGridRows || int64_t(width()) * m_info.rows > kMaxGridTiles)
        fail("the grid of " + std::to_string(width()) + " x " + std::to_string(m_info.rows)
            + " tiles exceeds the supported size (at most " + std::to_string(kMaxGridColumns) + " columns, "
            + std::to_string(kMaxGridRows) + " rows, " + withThousands(kMaxGridTiles) + " tiles)");
    for (const TileType& t : m_info.tileTypes)
        if (t.rows <= 0 || t.sitesPerTileX <= 0 || t.sitesPerTileY <= 0)
            fail("tile heights and sites per tile must be positive");
    for (const Hole& h : m_info.holes)
        if (!bounds().contains(h.rect))
            fail("hole '" + h.name + "' (" + toString(h.rect) + ") lies outside the grid (" + toString(bounds()) + ")");
    if (m_info.slrs.empty()) fail("the device needs at least one SLR");
    int nextRow = 0;
    for (size_t i = 0; i < m_info.slrs.size(); ++i) {
        const TileRect& s = m_info.slrs[i];
        if (s.row0 != nextRow || s.row1 < s.row0)
            fail("SLR " + std::to_string(i) + " must start at row " + std::to_string(nextRow)
                + " (SLRs are listed bottom to top without gaps)");
        nextRow = s.row1 + 1;
    }
    if (nextRow != m_info.rows)
        fail("the SLRs cover rows 0.." + std::to_string(nextRow - 1) + " but the grid has "
            + std::to_string(m_info.rows) + " rows");
    if (m_info.clockRegionRows <= 0 || m_info.clockRegionColumnStarts.empty()
        || m_info.clockRegionColumnStarts.front() != 0
        || !std::is_sorted(m_info.clockRegionColumnStarts.begin(), m_info.clockRegionColumnStarts.end())
        || m_info.clockRegionColumnStarts.back() >= width())
        fail("clock regions need a positive height and ascending column starts beginning at 0 inside the grid");

    m_anchorPrefix.assign(size_t(width()), {});
    for (int x = 0; x < width(); ++x) {
        const int rowsPerTile = tileType(columnKind(x)).rows;
        auto& prefix = m_anchorPrefix[size_t(x)];
        prefix.assign(size_t(m_info.rows) + 1, 0);
        for (int y = 0; y < m_info.rows; ++y)
            prefix[size_t(y) + 1] = prefix[size_t(y)] + (y % rowsPerTile == 0 && !inHole(x, y) ? 1 : 0);
    }

    const Resources grid = totals();
    if (!(grid == m_info.datasheet))
        fail("the grid holds " + toString(grid) + " but the datasheet says " + toString(m_info.datasheet)
            + "; adjust the column pattern or the holes");
}

bool Device::inHole(int x, int y) const
{
    return std::any_of(m_info.holes.begin(), m_info.holes.end(), [&](const Hole& h) { return h.rect.contains(x, y); });
}

int64_t Device::anchorsBelow(int x, int y) const
{
    return m_anchorPrefix[size_t(x)][size_t(y)];
}

Resources Device::tileResources(int x, int y) const
{
    if (x < 0 || y < 0 || x >= width() || y >= height()) return {};
    return anchorsBelow(x, y + 1) - anchorsBelow(x, y) ? tileType(columnKind(x)).perTile : Resources {};
}

Resources Device::resourcesIn(const TileRect& rect) const
{
    const int x0 = std::max(rect.col0, 0), x1 = std::min(rect.col1, width() - 1);
    const int y0 = std::max(rect.row0, 0), y1 = std::min(rect.row1, height() - 1);
    Resources sum;
    if (x0 > x1 || y0 > y1) return sum;
    for (int x = x0; x <= x1; ++x) {
        const int64_t n = anchorsBelow(x, y1 + 1) - anchorsBelow(x, y0);
        const Resources& per = tileType(columnKind(x)).perTile;
        sum += Resources { per.luts * n, per.ffs * n, per.dsps * n, per.brams * n };
    }
    return sum;
}

int Device::slrOfRow(int y) const
{
    for (size_t i = 0; i < m_info.slrs.size(); ++i)
        if (y >= m_info.slrs[i].row0 && y <= m_info.slrs[i].row1) return int(i);
    return -1;
}

std::vector<TileRect> Device::clockRegions() const
{
    std::vector<TileRect> regions;
    const auto& starts = m_info.clockRegionColumnStarts;
    for (int y0 = 0; y0 < height(); y0 += m_info.clockRegionRows)
        for (size_t i = 0; i < starts.size(); ++i) {
            const int x1 = i + 1 < starts.size() ? starts[i + 1] - 1 : width() - 1;
            regions.push_back({ starts[i], y0, x1, std::min(y0 + m_info.clockRegionRows, height()) - 1 });
        }
    return regions;
}

} // namespace luthier::device
