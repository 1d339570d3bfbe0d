#pragma once
// A placement netlist estimated from a design folder's manifest.json, for folders compiled without a
// netlist.json. The manifest holds per-layer statistics (arrays, lanes, steps, total multiplexer fan-in,
// resources) but not which array feeds which multiplexer, so that connectivity is sampled: every lane
// gets a multiplexer over random arrays with the layer's mean fan-in (deterministic for `seed`). Sizes and
// resources are the compiler's; wirelength figures are estimates and the CLI says so.

#include "place/netlist.h"

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace luthier::place {

// Throws luthier::Error naming `label` and the key when the manifest lacks what is needed.
Netlist approximateNetlist(
    const nlohmann::json& manifest, const std::string& label, uint64_t seed, const NetlistOptions& options = {});

} // namespace luthier::place
