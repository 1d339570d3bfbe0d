#pragma once
// The placement constraints of a project (place/constraints.h: tile rectangles per layer) as Vivado
// pblocks for a compiled design: each layer pblock becomes a pblock on that layer's instance, with the
// site ranges the device model gives for the rectangle (device/vivado_sites.h).

#include "device/device.h"
#include "export/design_manifest.h"
#include "export/pblock_spec.h"
#include "place/constraints.h"

#include <string>
#include <string_view>
#include <vector>

namespace luthier::exporter {

struct PblockConversion {
    std::vector<PblockSpec> pblocks; // in the design's layer order
    std::vector<std::string> notes; // constraints that could not become pblocks, and why
};

// Unit pblocks ("layer/mux3") and SLR assignments have no instance of their own in the RTL and are
// reported in `notes`. Throws luthier::Error when a pblock names a layer the design does not have, or its
// rectangle leaves the device (the message names the layer and the rectangle).
PblockConversion pblocksFromConstraints(
    const DesignManifest& design, const place::Constraints& constraints, const device::Device& device);

// "SLICE_X0Y0:SLICE_X19Y49" -> {SLICE, 0, 0, 19, 49}; throws luthier::Error for anything else.
SiteRange parseSiteRange(std::string_view text);

} // namespace luthier::exporter
