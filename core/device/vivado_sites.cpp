#include "device/vivado_sites.h"

#include "util/error.h"

namespace luthier::device {

std::vector<std::string> vivadoSiteRanges(const Device& device, const TileRect& rect)
{
    if (!device.bounds().contains(rect))
        throw Error(
            "rectangle " + toString(rect) + " leaves device " + device.part() + " (" + toString(device.bounds()) + ")");
    bool named = false;
    std::vector<std::string> ranges;
    for (TileKind kind : { TileKind::Clb, TileKind::Dsp, TileKind::Bram }) {
        const TileType& type = device.tileType(kind);
        if (type.site.empty()) continue;
        named = true;
        // Site X indices count this kind's columns from the left edge of the device.
        int ordinal = 0, first = -1, last = -1;
        for (int x = 0; x <= rect.col1; ++x) {
            if (device.columnKind(x) != kind) continue;
            if (x >= rect.col0) {
                if (first < 0) first = ordinal;
                last = ordinal;
            }
            ++ordinal;
        }
        const int anchor0 = (rect.row0 + type.rows - 1) / type.rows, anchor1 = rect.row1 / type.rows;
        if (first < 0 || anchor0 > anchor1) continue;
        auto site = [&](int xi, int yi) { return type.site + "_X" + std::to_string(xi) + "Y" + std::to_string(yi); };
        ranges.push_back(site(first * type.sitesPerTileX, anchor0 * type.sitesPerTileY) + ":"
            + site(last * type.sitesPerTileX + type.sitesPerTileX - 1,
                anchor1 * type.sitesPerTileY + type.sitesPerTileY - 1));
    }
    if (!named) throw Error("device " + device.part() + " has no Vivado site naming (tileTypes.*.site in its JSON)");
    return ranges;
}

} // namespace luthier::device
