#include "place/manifest_netlist.h"

#include "place/synthetic.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace luthier::place {

using nlohmann::json;

namespace {

double number(const json& obj, const char* key, const std::string& where)
{
    if (!obj.is_object() || !obj.contains(key) || !obj.at(key).is_number())
        throw Error(where + "." + key + ": missing or not a number");
    return obj.at(key).get<double>();
}

} // namespace

Netlist approximateNetlist(const json& manifest, const std::string& label, uint64_t seed, const NetlistOptions& options)
{
    if (!manifest.is_object() || !manifest.contains("layers") || !manifest["layers"].is_array())
        throw Error(label + ": layers: missing (not a compiled design manifest)");
    const json& layers = manifest["layers"];
    SyntheticSpec spec;
    spec.seed = seed;
    if (manifest.contains("lutInputs") && manifest["lutInputs"].is_number_integer())
        spec.lutInputs = manifest["lutInputs"].get<int>();
    for (size_t i = 0; i < layers.size(); ++i) {
        const json& l = layers[i];
        const std::string where = label + ": layers[" + std::to_string(i) + "]";
        SyntheticLayer s;
        s.name = l.value("name", "");
        if (s.name.empty()) s.name = l.value("module", "layer" + std::to_string(i));
        s.arrays = 0, s.lanes = 0;
        if (l.contains("tlmac") && l["tlmac"].is_object()) {
            const json& t = l["tlmac"];
            const std::string tw = where + ".tlmac";
            s.arrays = int(number(t, "arrays", tw));
            s.lanes = int(number(t, "P", tw));
            s.steps = int64_t(number(t, "steps", tw));
            s.lutWidth = std::max(1, int(number(t, "lutWidth", tw)));
            s.accBits = std::max(1, int(number(t, "accBits", tw)));
            s.outputBits = std::clamp(int(number(t, "outputBits", tw)), 1, 30);
            spec.groupSize = int(number(t, "G", tw));
            if (s.arrays < 1 || s.lanes < 1) {
                s.arrays = 0, s.lanes = 0;
            } else {
                // Fan-in uniform in [lo, hi] with the layer's mean (total wires / lanes) and its maximum.
                const int hi = std::clamp(int(number(t, "maxFanIn", tw)), 1, s.arrays);
                const double mean = std::clamp(number(t, "wiresFinal", tw) / s.lanes, 1.0, double(hi));
                s.maxFanIn = hi;
                s.minFanIn = std::clamp(int(std::lround(2 * mean - hi)), 1, hi);
            }
        }
        spec.layers.push_back(s);
    }
    arch::HwDesign design = syntheticDesign(spec);
    // The compiler's resource estimates, so the control units carry what the sampled structures do not.
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string where = label + ": layers[" + std::to_string(i) + "]";
        if (!layers[i].contains("resources")) throw Error(where + ".resources: missing");
        const json& r = layers[i]["resources"];
        arch::Resources& e = design.layers[i].estimate;
        e.lut = int64_t(number(r, "lut", where + ".resources"));
        e.ff = int64_t(number(r, "ff", where + ".resources"));
        e.dsp = int64_t(number(r, "dsp", where + ".resources"));
        e.bram = number(r, "bram", where + ".resources");
        // The sampled ROMs default to block RAM; where the compiler budgets none, it inlined them as LUT
        // tables (64 bits per LUT6).
        if (e.bram < 1)
            for (arch::Rom& rom : design.layers[i].roms)
                rom.luts = std::max<int64_t>(1, (rom.bits() + 63) / 64);
    }
    return buildNetlist(design, options);
}

} // namespace luthier::place
