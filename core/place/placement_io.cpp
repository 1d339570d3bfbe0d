#include "place/placement_io.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <nlohmann/json.hpp>

namespace luthier::place {

using device::TileRect;
using nlohmann::json;

namespace {

json rectJson(const TileRect& r)
{
    return { { "col0", r.col0 }, { "row0", r.row0 }, { "col1", r.col1 }, { "row1", r.row1 } };
}

json resourcesJson(const device::Resources& r)
{
    return { { "luts", r.luts }, { "ffs", r.ffs }, { "dsps", r.dsps }, { "brams", r.brams } };
}

json metricsJson(const PlaceMetrics& m)
{
    return { { "wirelength", m.wirelength }, { "congestion", m.congestion }, { "peakWireDemand", m.peakWireDemand },
        { "cost", m.cost } };
}

[[noreturn]] void fail(const std::string& label, const std::string& key, const std::string& what)
{
    throw Error(label + ": " + key + ": " + what);
}

const json& member(const json& obj, const char* key, const std::string& label, const std::string& where)
{
    if (!obj.is_object() || !obj.contains(key)) fail(label, where + key, "missing");
    return obj.at(key);
}

double number(const json& obj, const char* key, const std::string& label, const std::string& where)
{
    const json& v = member(obj, key, label, where);
    if (!v.is_number()) fail(label, where + key, "expected a number");
    return v.get<double>();
}

int64_t integer(const json& obj, const char* key, const std::string& label, const std::string& where)
{
    const json& v = member(obj, key, label, where);
    if (!v.is_number_integer()) fail(label, where + key, "expected an integer");
    return v.get<int64_t>();
}

TileRect rect(const json& v, const std::string& label, const std::string& where)
{
    return { int(integer(v, "col0", label, where)), int(integer(v, "row0", label, where)),
        int(integer(v, "col1", label, where)), int(integer(v, "row1", label, where)) };
}

PlaceMetrics metrics(const json& v, const std::string& label, const std::string& where)
{
    return { number(v, "wirelength", label, where), number(v, "congestion", label, where),
        number(v, "peakWireDemand", label, where), number(v, "cost", label, where) };
}

} // namespace

json toJson(const device::Device& device, const Netlist& netlist, const Placement& p)
{
    json cells = json::array();
    for (const TileRect& c : p.cells)
        cells.push_back(rectJson(c));
    json units = json::array();
    for (size_t u = 0; u < netlist.units.size(); ++u)
        units.push_back(
            { { "name", netlist.units[u].name }, { "layer", netlist.layers[size_t(netlist.units[u].layer)] },
                { "kind", std::string(toString(netlist.units[u].kind)) }, { "cell", p.unitCell[u] },
                { "rect", rectJson(p.unitRect(int(u))) }, { "demand", resourcesJson(p.unitDemand[u]) } });
    json layers = json::array();
    const auto bounds = layerBounds(netlist, p);
    for (size_t l = 0; l < netlist.layers.size(); ++l)
        layers.push_back({ { "name", netlist.layers[l] }, { "bounds", rectJson(bounds[l]) } });
    device::Resources used;
    for (const device::Resources& d : p.unitDemand)
        used += d;
    return { { "format", "luthier-placement" }, { "version", 1 }, { "part", p.part }, { "width", p.width },
        { "height", p.height }, { "seed", p.seed }, { "effort", p.effort }, { "congestionWeight", p.congestionWeight },
        { "normalisers", { { "wirelength", p.wirelength0 }, { "congestion", p.congestion0 } } },
        { "initial", metricsJson(p.initial) }, { "final", metricsJson(p.final) },
        { "annealing",
            { { "moves", p.moves }, { "accepted", p.accepted }, { "temperatures", p.temperatures },
                { "seconds", p.seconds } } },
        { "utilisation", { { "used", resourcesJson(used) }, { "available", resourcesJson(device.totals()) } } },
        { "layers", layers }, { "cells", cells }, { "units", units } };
}

Placement placementFromJson(const json& doc, const Netlist& netlist, const std::string& label)
{
    if (!doc.is_object() || doc.value("format", "") != "luthier-placement")
        fail(label, "format", "expected \"luthier-placement\"");
    if (integer(doc, "version", label, "") != 1) fail(label, "version", "newer than this build understands (1)");
    Placement p;
    const json& part = member(doc, "part", label, "");
    if (!part.is_string()) fail(label, "part", "expected a string");
    p.part = part.get<std::string>();
    p.width = int(integer(doc, "width", label, ""));
    p.height = int(integer(doc, "height", label, ""));
    p.seed = uint64_t(integer(doc, "seed", label, ""));
    p.effort = number(doc, "effort", label, "");
    p.congestionWeight = number(doc, "congestionWeight", label, "");
    const json& norm = member(doc, "normalisers", label, "");
    p.wirelength0 = number(norm, "wirelength", label, "normalisers.");
    p.congestion0 = number(norm, "congestion", label, "normalisers.");
    p.initial = metrics(member(doc, "initial", label, ""), label, "initial.");
    p.final = metrics(member(doc, "final", label, ""), label, "final.");
    const json& cells = member(doc, "cells", label, "");
    if (!cells.is_array()) fail(label, "cells", "expected an array");
    for (size_t c = 0; c < cells.size(); ++c)
        p.cells.push_back(rect(cells[c], label, "cells[" + std::to_string(c) + "]."));
    const json& units = member(doc, "units", label, "");
    if (!units.is_array() || units.size() != netlist.units.size())
        fail(label, "units", "expected " + std::to_string(netlist.units.size()) + " units, as in the netlist");
    for (size_t u = 0; u < units.size(); ++u) {
        const std::string where = "units[" + std::to_string(u) + "].";
        const json& name = member(units[u], "name", label, where);
        if (!name.is_string() || name.get<std::string>() != netlist.units[u].name)
            fail(label, where + "name", "does not match the netlist's unit '" + netlist.units[u].name + "'");
        const int64_t cell = integer(units[u], "cell", label, where);
        if (cell < 0 || cell >= int64_t(p.cells.size())) fail(label, where + "cell", "is not a cell index");
        p.unitCell.push_back(int(cell));
        const json& d = member(units[u], "demand", label, where);
        p.unitDemand.push_back(
            { integer(d, "luts", label, where + "demand."), integer(d, "ffs", label, where + "demand."),
                integer(d, "dsps", label, where + "demand."), integer(d, "brams", label, where + "demand.") });
    }
    return p;
}

void writePlacement(
    const std::filesystem::path& file, const device::Device& device, const Netlist& netlist, const Placement& placement)
{
    util::writeFileAtomic(file, util::dumpJson(toJson(device, netlist, placement), 1) + "\n");
}

Placement loadPlacement(const std::filesystem::path& file, const Netlist& netlist)
{
    return placementFromJson(util::loadJsonFile(file, "placement"), netlist, file.string());
}

} // namespace luthier::place
