#include "place/constraints.h"

#include "util/error.h"
#include "util/json_file.h"

#include <nlohmann/json.hpp>

namespace luthier::place {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& label, const std::string& key, const std::string& what)
{
    throw Error(label + ": " + key + ": " + what);
}

int integer(const json& value, const std::string& label, const std::string& key, int lo, int hi)
{
    if (!value.is_number_integer()) fail(label, key, std::string("expected an integer, found ") + value.type_name());
    const auto v = value.get<int64_t>();
    if (v < lo || v > hi)
        fail(label, key, std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return int(v);
}

device::TileRect rect(const json& value, const std::string& label, const std::string& key)
{
    if (!value.is_object())
        fail(label, key, std::string("expected an object with col0, row0, col1, row1, found ") + value.type_name());
    device::TileRect r;
    int* fields[] = { &r.col0, &r.row0, &r.col1, &r.row1 };
    const char* names[] = { "col0", "row0", "col1", "row1" };
    for (int i = 0; i < 4; ++i) {
        if (!value.contains(names[i])) fail(label, key, std::string("missing \"") + names[i] + "\"");
        *fields[i] = integer(value.at(names[i]), label, key + "." + names[i], 0, 1 << 20);
    }
    if (r.col1 < r.col0 || r.row1 < r.row0) fail(label, key, "the rectangle's end lies before its start");
    return r;
}

json rectJson(const device::TileRect& r)
{
    return json { { "col0", r.col0 }, { "row0", r.row0 }, { "col1", r.col1 }, { "row1", r.row1 } };
}

} // namespace

Constraints parseConstraints(const json& section, const std::string& label)
{
    if (!section.is_object())
        fail(label, "constraints", std::string("expected an object, found ") + section.type_name());
    Constraints c;
    for (const auto& [key, value] : section.items()) {
        if (key == "pblocks") {
            if (!value.is_object()) fail(label, key, "expected an object of rectangles keyed by layer or unit name");
            for (const auto& [name, r] : value.items()) {
                Pblock p;
                p.rect = rect(r, label, "pblocks." + name);
                if (r.contains("exclusive")) {
                    if (!r["exclusive"].is_boolean())
                        fail(label, "pblocks." + name + ".exclusive", "expected true or false");
                    p.exclusive = r["exclusive"].get<bool>();
                }
                c.pblocks[name] = p;
            }
        } else if (key == "slr") {
            if (!value.is_object()) fail(label, key, "expected an object of SLR indices keyed by layer name");
            for (const auto& [name, index] : value.items())
                c.slr[name] = integer(index, label, "slr." + name, 0, 15);
        } else if (key == "keepOut") {
            if (!value.is_array()) fail(label, key, "expected an array of rectangles");
            for (size_t i = 0; i < value.size(); ++i)
                c.keepOut.push_back(rect(value[i], label, "keepOut[" + std::to_string(i) + "]"));
        }
        // Other keys belong to the project file or a newer version; placement ignores them.
    }
    return c;
}

Constraints loadConstraints(const std::string& path)
{
    const json doc = util::loadJsonFile(path, "constraints file");
    // A whole .luthier project works too: use its constraints section.
    if (doc.is_object() && doc.contains("constraints") && doc.contains("format"))
        return parseConstraints(doc["constraints"], path);
    return parseConstraints(doc, path);
}

json toJson(const Constraints& constraints)
{
    json pblocks = json::object();
    for (const auto& [name, p] : constraints.pblocks) {
        json r = rectJson(p.rect);
        if (p.exclusive) r["exclusive"] = true;
        pblocks[name] = r;
    }
    json slr = json::object();
    for (const auto& [name, index] : constraints.slr)
        slr[name] = index;
    json keepOut = json::array();
    for (const auto& r : constraints.keepOut)
        keepOut.push_back(rectJson(r));
    return json { { "pblocks", pblocks }, { "slr", slr }, { "keepOut", keepOut } };
}

} // namespace luthier::place
