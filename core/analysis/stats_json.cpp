#include "analysis/stats_json.h"

namespace luthier::analysis {

using nlohmann::json;

json toJson(const arch::cost::Cost& c)
{
    json j = { { "template", std::string(ir::toString(c.kind)) }, { "available", c.available },
        { "formula", c.formula }, { "basis", c.fromCompiler ? "compiler" : "formula" } };
    if (c.available) {
        j["lut"] = c.lut;
        j["ff"] = c.ff;
        j["dsp"] = c.dsp;
        j["bram36"] = c.bram;
        j["cycles"] = c.cycles;
    }
    return j;
}

json toJson(const LayerStats& s)
{
    json histogram = json::object();
    for (const auto& [level, count] : s.histogram.counts)
        histogram[std::to_string(level)] = count;
    json top = json::array();
    for (const auto& [k, share] : s.topShares)
        top.push_back({ { "k", k }, { "share", share } });
    json j = {
        { "index", s.index },
        { "name", s.name },
        { "op", s.opType },
        { "kind", ir::toString(s.kind) },
        { "weightBits", s.weightBits },
        { "weightFormat", s.weightFormat },
        { "activationBits", s.activationBits },
        { "activationAssumed", s.activationAssumed },
        { "outputBits", s.outputBits },
        { "outChannels", s.outChannels },
        { "fanIn", s.fanIn },
        { "outPixels", s.outPixels },
        { "weights", s.weights },
        { "macs", s.macs },
        { "histogram", histogram },
        { "zeroFraction", s.histogram.zeroFraction() },
        { "groups",
            { { "groupSize", s.groups.groupSize }, { "rowLength", s.groups.rowLength },
                { "groupsPerOutput", s.groups.groupsPerOutput }, { "total", s.groups.totalGroups },
                { "paddedWeightsPerOutput", s.groups.paddedWeights }, { "unique", s.groups.uniqueGroups },
                { "uniqueSliceGroups", s.groups.uniqueSliceGroups }, { "topShare", top },
                { "covering90", s.groups.groupsCovering(0.9) }, { "frequencies", s.groups.frequencies },
                { "topGroups", s.groups.topGroups } } },
        { "selectedTemplate", std::string(ir::toString(s.selected)) },
        { "notes", s.notes },
    };
    if (s.tlmac) {
        const TlmacStats& t = *s.tlmac;
        json clusterings = json::array();
        for (const auto& c : t.clusterings)
            clusterings.push_back({ { "method", c.method }, { "arrays", c.arrays }, { "seconds", c.seconds } });
        j["tlmac"] = { { "steps", t.steps }, { "parallelOutputs", t.parallel }, { "clusters", t.clusters },
            { "arrays", t.arrays }, { "lutsPerArray", t.lutWidth }, { "tableLuts", t.tableLuts },
            { "muxLuts", t.muxLuts }, { "maxMuxFanIn", t.maxFanIn }, { "wiresInitial", t.wiresInitial },
            { "wiresFinal", t.wiresFinal }, { "method", t.method }, { "clusterings", clusterings } };
    }
    json costs = json::array();
    for (const auto& c : s.costs)
        costs.push_back(toJson(c));
    j["costs"] = costs;
    json lutna = json::array();
    for (const auto& o : s.lutNa)
        lutna.push_back({ { "k", o.k }, { "storedBitsPerWeight", o.storedBits }, { "lookups", o.lookups },
            { "adders", o.adders }, { "lutsPerWeight", o.luts } });
    j["lutNa"] = lutna;
    if (s.finnPe > 0) j["finnFolding"] = { { "pe", s.finnPe }, { "simd", s.finnSimd }, { "cycles", s.finnCycles } };
    return j;
}

json toJson(const ModelStats& m)
{
    json layers = json::array();
    for (const auto& l : m.layers)
        layers.push_back(toJson(l));
    json totals = json::array();
    for (const auto& c : m.totals)
        totals.push_back(toJson(c));
    return { { "model", m.model }, { "layers", layers }, { "totals", totals }, { "selected", toJson(m.selectedTotal) },
        { "notes", m.notes } };
}

json toJson(const Accuracy& a)
{
    return { { "samples", a.samples }, { "floatAccuracy", a.floatAccuracy }, { "intAccuracy", a.intAccuracy },
        { "agreement", a.agreement } };
}

} // namespace luthier::analysis
