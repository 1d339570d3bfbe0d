#include "export/pblocks_from_constraints.h"

#include "device/vivado_sites.h"
#include "util/error.h"

#include <regex>

namespace luthier::exporter {

SiteRange parseSiteRange(std::string_view text)
{
    static const std::regex pattern(R"(([A-Za-z][A-Za-z0-9]*)_X(\d+)Y(\d+):([A-Za-z][A-Za-z0-9]*)_X(\d+)Y(\d+))");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, pattern) || m[1].str() != m[4].str())
        throw Error("'" + std::string(text) + "' is not a Vivado site range like SLICE_X0Y0:SLICE_X9Y49");
    SiteRange range { m[1].str(), std::stoi(m[2].str()), std::stoi(m[3].str()), std::stoi(m[5].str()),
        std::stoi(m[6].str()) };
    if (range.x1 < range.x0 || range.y1 < range.y0)
        throw Error("site range '" + std::string(text) + "' runs backwards");
    return range;
}

PblockConversion pblocksFromConstraints(
    const DesignManifest& design, const place::Constraints& constraints, const device::Device& device)
{
    PblockConversion result;
    for (const auto& [key, pblock] : constraints.pblocks) {
        // A key is a layer name or "<layer>/<unit>". Layer names may hold '/' themselves (TensorFlow's
        // "model/dense/MatMul"), so a unit key is matched by the longest layer name it starts with, not split at
        // its first '/'.
        const LayerInfo* owner = nullptr;
        bool isLayer = false;
        for (const LayerInfo& layer : design.layers) {
            isLayer = isLayer || layer.name == key;
            if (key.starts_with(layer.name + "/") && (!owner || layer.name.size() > owner->name.size())) owner = &layer;
        }
        if (isLayer) continue;
        if (owner) {
            result.notes.push_back("pblock '" + key + "' constrains a unit inside layer '" + owner->name
                + "', which has no instance of its own in the RTL; only layer pblocks are exported");
            continue;
        }
        throw Error("constraints name a pblock '" + key + "' for a layer or unit the compiled design does not have");
    }
    for (const LayerInfo& layer : design.layers) {
        const auto it = constraints.pblocks.find(layer.name);
        if (it == constraints.pblocks.end()) continue;
        PblockSpec spec { layer.name, layer.instance, {}, it->second.exclusive };
        std::vector<std::string> ranges;
        try {
            ranges = device::vivadoSiteRanges(device, it->second.rect);
        } catch (const Error& e) {
            throw Error("pblock for layer '" + layer.name + "': " + e.what());
        }
        for (const std::string& range : ranges)
            spec.ranges.push_back(parseSiteRange(range));
        if (spec.ranges.empty()) {
            result.notes.push_back("pblock for layer '" + layer.name + "' (" + device::toString(it->second.rect)
                + ") holds no sites and was left out");
            continue;
        }
        result.pblocks.push_back(std::move(spec));
    }
    if (!result.pblocks.empty() && device.info().approximate)
        result.notes.push_back("the column layout of the " + device.part()
            + " model is approximate, so are the site X indices of these ranges: check them against the part in "
              "Vivado's device view before relying on them");
    for (const auto& [layer, slr] : constraints.slr)
        result.notes.push_back("SLR " + std::to_string(slr) + " for layer '" + layer
            + "' is not exported; draw a pblock inside that SLR to pin the layer there");
    return result;
}

} // namespace luthier::exporter
