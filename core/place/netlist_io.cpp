#include "place/netlist_io.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <nlohmann/json.hpp>

namespace luthier::place {

using nlohmann::json;

namespace {

int64_t integer(const json& obj, const char* key, const std::string& where, int64_t lo, int64_t hi)
{
    if (!obj.is_object() || !obj.contains(key)) throw Error(where + "." + key + ": missing");
    const json& v = obj.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
        throw Error(where + "." + key + ": expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    return v.get<int64_t>();
}

} // namespace

json toJson(const Netlist& netlist)
{
    json units = json::array();
    for (const Unit& u : netlist.units)
        units.push_back({ { "name", u.name }, { "kind", std::string(toString(u.kind)) }, { "layer", u.layer },
            { "luts", u.demand.luts }, { "ffs", u.demand.ffs }, { "dsps", u.demand.dsps }, { "brams", u.demand.brams },
            { "muxInputs", u.muxInputs } });
    json nets = json::array();
    for (const Net& n : netlist.nets)
        nets.push_back({ { "units", n.units }, { "wires", n.wires } });
    return { { "format", "luthier-netlist" }, { "version", 1 }, { "layers", netlist.layers }, { "units", units },
        { "nets", nets } };
}

Netlist netlistFromJson(const json& doc, const std::string& label)
{
    if (!doc.is_object() || doc.value("format", "") != "luthier-netlist")
        throw Error(label + ": format: expected \"luthier-netlist\"");
    if (integer(doc, "version", label, 1, 1000) != 1)
        throw Error(label + ": version: newer than this build understands (1)");
    Netlist n;
    if (!doc.contains("layers") || !doc["layers"].is_array())
        throw Error(label + ": layers: expected an array of names");
    for (const json& l : doc["layers"]) {
        if (!l.is_string()) throw Error(label + ": layers: expected strings");
        n.layers.push_back(l.get<std::string>());
    }
    if (!doc.contains("units") || !doc["units"].is_array()) throw Error(label + ": units: expected an array");
    constexpr int64_t big = int64_t(1) << 40;
    for (size_t i = 0; i < doc["units"].size(); ++i) {
        const json& u = doc["units"][i];
        const std::string where = label + ": units[" + std::to_string(i) + "]";
        Unit unit;
        if (!u.is_object() || !u.contains("name") || !u["name"].is_string())
            throw Error(where + ".name: expected a string");
        unit.name = u["name"].get<std::string>();
        const std::string kind = u.value("kind", "");
        bool known = false;
        for (UnitKind k :
            { UnitKind::LutArrays, UnitKind::MuxBank, UnitKind::Accumulators, UnitKind::Memory, UnitKind::Control })
            if (toString(k) == kind) unit.kind = k, known = true;
        if (!known) throw Error(where + ".kind: unknown kind '" + kind + "' (arrays, mux, acc, memory, control)");
        unit.layer = int(integer(u, "layer", where, 0, int64_t(n.layers.size()) - 1));
        unit.demand = { integer(u, "luts", where, 0, big), integer(u, "ffs", where, 0, big),
            integer(u, "dsps", where, 0, big), integer(u, "brams", where, 0, big) };
        unit.muxInputs = integer(u, "muxInputs", where, 0, big);
        n.units.push_back(unit);
    }
    if (!doc.contains("nets") || !doc["nets"].is_array()) throw Error(label + ": nets: expected an array");
    for (size_t i = 0; i < doc["nets"].size(); ++i) {
        const json& e = doc["nets"][i];
        const std::string where = label + ": nets[" + std::to_string(i) + "]";
        Net net;
        net.wires = integer(e, "wires", where, 1, big);
        if (!e.contains("units") || !e["units"].is_array())
            throw Error(where + ".units: expected an array of unit indices");
        for (const json& u : e["units"]) {
            if (!u.is_number_integer()) throw Error(where + ".units: expected integers");
            net.units.push_back(u.get<int>());
        }
        n.nets.push_back(std::move(net));
    }
    try {
        n.validate();
    } catch (const Error& e) {
        throw Error(label + ": " + e.what());
    }
    return n;
}

void writeNetlist(const std::filesystem::path& file, const Netlist& netlist)
{
    util::writeFileAtomic(file, util::dumpJson(toJson(netlist), 1) + "\n");
}

Netlist loadNetlist(const std::filesystem::path& file)
{
    return netlistFromJson(util::loadJsonFile(file, "netlist"), file.string());
}

} // namespace luthier::place
