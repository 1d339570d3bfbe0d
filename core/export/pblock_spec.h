#pragma once
// A placement constraint in Vivado's terms: one pblock per constrained layer instance, as ranges of
// sites (SLICE_X0Y0:SLICE_X9Y49, DSP48E2_X0Y0:DSP48E2_X0Y19, RAMB36_X0Y0:RAMB36_X0Y9). The placement
// stage works in tile rectangles; pblocks_from_constraints.h converts them with the device model.

#include <string>
#include <vector>

namespace luthier::exporter {

struct SiteRange {
    std::string siteType; // Vivado site prefix: SLICE, DSP48, DSP48E2, RAMB18, RAMB36
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0; // inclusive site coordinates, x0 <= x1, y0 <= y1
};

struct PblockSpec {
    std::string layer; // raw layer name, for comments
    std::string instance; // cell inside the top (a Verilog identifier) placed into the pblock
    std::vector<SiteRange> ranges;
    bool exclusive = false; // no other logic may be placed inside (Vivado's EXCLUDE_PLACEMENT)
};

} // namespace luthier::exporter
