#pragma once
// netlist.json: the placement netlist of a compiled design, so `luthier-cli place DIR` reads the exact
// connectivity the compiler produced. Written next to manifest.json; schema in docs/placement.md:
//   { "format": "luthier-netlist", "version": 1, "layers": ["fc1", ...],
//     "units": [{"name": "fc1/arrays0", "kind": "arrays", "layer": 0, "luts": 480, "ffs": 0, "dsps": 0,
//                "brams": 0, "muxInputs": 0}, ...],
//     "nets": [{"units": [0, 5], "wires": 40}, ...] }

#include "place/netlist.h"

#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace luthier::place {

inline constexpr const char* kNetlistFile = "netlist.json";

nlohmann::json toJson(const Netlist& netlist);
// Throws luthier::Error naming `label` and the key for malformed input; the result is validated.
Netlist netlistFromJson(const nlohmann::json& doc, const std::string& label);

void writeNetlist(const std::filesystem::path& file, const Netlist& netlist);
Netlist loadNetlist(const std::filesystem::path& file);

} // namespace luthier::place
