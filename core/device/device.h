#pragma once
// An FPGA device model (DESIGN.md section 6): a grid of tile columns (CLB, DSP, BRAM, IO) and rows, with
// holes for hard blocks, clock regions and super logic regions (SLRs). Loaded from JSON
// (device_loader.h, schema in docs/devices.md). The grid reproduces the datasheet totals exactly; the
// column order is usually an approximation and the file says so.
//
// Coordinates: x = column index from the left, y = row index from the bottom, both from 0. One row is
// one CLB high. A DSP or BRAM tile spans TileType::rows rows and is anchored at the rows y with
// y % rows == 0; a rectangle owns the tiles whose anchor it contains.

#include "device/resources.h"
#include "device/tile_rect.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::device {

enum class TileKind { Clb, Dsp, Bram, Io };
inline constexpr int kTileKindCount = 4;

std::string_view toString(TileKind kind); // "CLB", "DSP", "BRAM", "IO"

// Grid bounds for any device file, checked before the grid is built so a small hostile file cannot ask for
// gigabytes (the per-tile tables and heatmaps grow with columns x rows). The largest built-in part,
// xcvu13p, is 274 x 960 = 263,040 tiles; the budget leaves 16 times that.
inline constexpr int kMaxGridColumns = 4096;
inline constexpr int kMaxGridRows = 4096;
inline constexpr int64_t kMaxGridTiles = int64_t(1) << 22; // 4,194,304

struct TileType {
    int rows = 1; // height in CLB rows
    Resources perTile; // what one tile holds
    int64_t bramBits = 0; // bits of one block RAM (BRAM tiles only)
    // Vivado site naming: tile column c of this kind holds sites <site>_X<c*sitesPerTileX + i>, and the tile
    // anchored at row y holds Y indices (y / rows) * sitesPerTileY + j. Empty site: no Vivado naming.
    std::string site;
    int sitesPerTileX = 1, sitesPerTileY = 1;
};

struct Hole {
    std::string name; // the hard block it stands for, e.g. "PS8 processing system"
    TileRect rect;
};

struct DeviceInfo {
    std::string part; // lower case, e.g. "xcvu13p"
    std::string family, vendor;
    int lutInputs = 6; // K
    Resources datasheet; // totals from the vendor datasheet
    std::string datasheetSource;
    std::array<TileType, kTileKindCount> tileTypes; // indexed by TileKind
    std::vector<TileKind> columns;
    int rows = 0;
    std::vector<Hole> holes;
    int clockRegionRows = 0; // height of one clock region
    std::vector<int> clockRegionColumnStarts; // first column of each clock-region column, starting with 0
    std::vector<TileRect> slrs; // bottom to top, full width, contiguous
    bool approximate = true;
    std::string layoutNote;
    std::string sourceFile; // where it was loaded from (for messages)
};

class Device {
public:
    // Checks the grid's consistency and that its totals equal the datasheet; throws luthier::Error naming
    // info.sourceFile otherwise.
    explicit Device(DeviceInfo info);

    const DeviceInfo& info() const { return m_info; }
    const std::string& part() const { return m_info.part; }
    int width() const { return int(m_info.columns.size()); }
    int height() const { return m_info.rows; }
    TileRect bounds() const { return { 0, 0, width() - 1, height() - 1 }; }
    TileKind columnKind(int x) const { return m_info.columns[size_t(x)]; }
    const TileType& tileType(TileKind kind) const { return m_info.tileTypes[size_t(kind)]; }

    bool inHole(int x, int y) const;
    // Resources of the tile anchored at (x, y); zero when no tile is anchored there or it lies in a hole.
    Resources tileResources(int x, int y) const;
    // Resources of every tile anchored inside `rect` (clipped to the device).
    Resources resourcesIn(const TileRect& rect) const;
    Resources totals() const { return resourcesIn(bounds()); }

    int slrCount() const { return int(m_info.slrs.size()); }
    int slrOfRow(int y) const;
    std::vector<TileRect> clockRegions() const; // row-major from the bottom-left

private:
    // Tiles anchored in column x, rows [0, y): m_anchorPrefix[x][y].
    int64_t anchorsBelow(int x, int y) const;

    DeviceInfo m_info;
    std::vector<std::vector<int32_t>> m_anchorPrefix;
};

} // namespace luthier::device
