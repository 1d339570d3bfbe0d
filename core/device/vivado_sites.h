#pragma once
// Tile rectangles as Vivado site ranges, for pblocks in the exported xdc:
//   resize_pblock pb_conv1 -add {SLICE_X10Y60:SLICE_X25Y119 DSP48E2_X2Y24:DSP48E2_X3Y47 RAMB36_X1Y12:RAMB36_X1Y23}
// Site indices follow the device JSON's site naming (TileType::site, sitesPerTileX/Y). Where the device's
// column layout is approximate (DeviceInfo::approximate) the X indices are too: check the ranges against
// the real part in Vivado before relying on them.

#include "device/device.h"

#include <string>
#include <vector>

namespace luthier::device {

// One "FIRST:LAST" range per tile kind that has sites in `rect` (CLB, then DSP, then BRAM). Empty when the
// rectangle holds no named sites. Throws luthier::Error when the device has no Vivado site naming
// (e.g. iCE40) or the rectangle leaves the grid.
std::vector<std::string> vivadoSiteRanges(const Device& device, const TileRect& rect);

} // namespace luthier::device
