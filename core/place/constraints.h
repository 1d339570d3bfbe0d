#pragma once
// Placement constraints (DESIGN.md section 6): pblocks (a tile rectangle per layer or per unit), keep-out
// rectangles and SLR assignments per layer. The JSON form is the project file's "constraints" section
// (project/project_file.h), so `luthier-cli place --constraints C.json` and a .luthier project share it:
//   { "pblocks": { "conv1": {"col0": 0, "row0": 0, "col1": 40, "row1": 119, "exclusive": true},
//                  "conv2/mux3": {...} },
//     "slr": { "conv2": 1 },
//     "keepOut": [ {"col0": 100, "row0": 0, "col1": 110, "row1": 959} ] }
// A pblock key names a layer or a unit; a unit's own pblock overrides its layer's. "exclusive" (optional,
// default false) keeps every other unit out of the rectangle, like Vivado's EXCLUDE_PLACEMENT.

#include "device/tile_rect.h"

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace luthier::place {

struct Pblock {
    device::TileRect rect;
    bool exclusive = false;
    bool operator==(const Pblock&) const = default;
};

struct Constraints {
    std::map<std::string, Pblock> pblocks; // key: layer or unit name
    std::map<std::string, int> slr; // key: layer name
    std::vector<device::TileRect> keepOut;

    bool empty() const { return pblocks.empty() && slr.empty() && keepOut.empty(); }
    bool operator==(const Constraints&) const = default;
};

// Parses the constraints section; `label` names the source in errors ("C.json: pblocks.conv1.col1: ...").
Constraints parseConstraints(const nlohmann::json& section, const std::string& label);
Constraints loadConstraints(const std::string& path);
nlohmann::json toJson(const Constraints& constraints);

} // namespace luthier::place
