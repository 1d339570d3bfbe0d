#pragma once
// placement.json: the result of `luthier-cli place`, enough to redraw heatmaps without placing again
// (the GUI's floorplan, the Vivado exporter's pblocks). Schema in docs/placement.md.

#include "device/device.h"
#include "place/netlist.h"
#include "place/placer.h"

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace luthier::place {

inline constexpr const char* kPlacementFile = "placement.json";

nlohmann::json toJson(const device::Device& device, const Netlist& netlist, const Placement& placement);
// Reads back the placement written for `netlist`; throws luthier::Error when the file does not match it
// (unit names, counts) or is malformed.
Placement placementFromJson(const nlohmann::json& doc, const Netlist& netlist, const std::string& label);

void writePlacement(const std::filesystem::path& file, const device::Device& device, const Netlist& netlist,
    const Placement& placement);
Placement loadPlacement(const std::filesystem::path& file, const Netlist& netlist);

} // namespace luthier::place
