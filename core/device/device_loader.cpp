#include "device/device_loader.h"

#include "util/error.h"
#include "util/json_file.h"
#include "util/resource_paths.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

namespace luthier::device {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Typed access to a device document; every failure names the file and the key path.
class Reader : public util::JsonReader {
public:
    using JsonReader::JsonReader;

    // Rejects keys outside `known` so a typo ("lut" for "luts") is reported, not ignored. Keys starting
    // with '_' or named "comment" are free-form notes.
    const json& object(const json& value, const std::string& key, std::initializer_list<const char*> known) const
    {
        if (!value.is_object()) fail(key, std::string("expected an object, found ") + value.type_name());
        for (const auto& [name, ignored] : value.items()) {
            (void)ignored;
            if (name == "comment" || name.starts_with("_")) continue;
            if (std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; })) {
                std::string list;
                for (const char* k : known)
                    list += std::string(list.empty() ? "" : ", ") + k;
                fail(key.empty() ? name : key + "." + name, "unknown key (expected one of: " + list + ")");
            }
        }
        return value;
    }

    const json& member(const json& obj, const std::string& objKey, const char* name) const
    {
        if (!obj.contains(name)) fail(path(objKey, name), "missing");
        return obj.at(name);
    }

    std::string string(const json& obj, const std::string& objKey, const char* name) const
    {
        const json& v = member(obj, objKey, name);
        if (!v.is_string()) fail(path(objKey, name), std::string("expected a string, found ") + v.type_name());
        return v.get<std::string>();
    }

    int64_t integer(const json& obj, const std::string& objKey, const char* name, int64_t lo, int64_t hi,
        std::optional<int64_t> fallback = std::nullopt) const
    {
        if (!obj.contains(name) && fallback) return *fallback;
        const json& v = member(obj, objKey, name);
        if (!v.is_number_integer())
            fail(path(objKey, name), std::string("expected an integer, found ") + v.type_name());
        const auto n = v.get<int64_t>();
        if (n < lo || n > hi)
            fail(path(objKey, name),
                std::to_string(n) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return n;
    }

    TileRect rect(const json& value, const std::string& key, std::initializer_list<const char*> extra) const
    {
        std::vector<const char*> known { "col0", "row0", "col1", "row1" };
        known.insert(known.end(), extra.begin(), extra.end());
        if (!value.is_object()) fail(key, std::string("expected an object, found ") + value.type_name());
        for (const auto& [name, ignored] : value.items()) {
            (void)ignored;
            if (name != "comment" && !name.starts_with("_")
                && std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; }))
                fail(key + "." + name, "unknown key");
        }
        TileRect r;
        r.col0 = int(integer(value, key, "col0", 0, 1 << 20));
        r.row0 = int(integer(value, key, "row0", 0, 1 << 20));
        r.col1 = int(integer(value, key, "col1", 0, 1 << 20));
        r.row1 = int(integer(value, key, "row1", 0, 1 << 20));
        if (r.col1 < r.col0 || r.row1 < r.row0) fail(key, "the rectangle's end lies before its start");
        return r;
    }

    static std::string path(const std::string& objKey, const char* name)
    {
        return objKey.empty() ? name : objKey + "." + name;
    }
};

std::optional<TileKind> kindFromString(std::string_view s)
{
    for (TileKind k : { TileKind::Clb, TileKind::Dsp, TileKind::Bram, TileKind::Io })
        if (toString(k) == s) return k;
    return std::nullopt;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

TileType tileType(const Reader& in, const json& value, const std::string& key)
{
    in.object(
        value, key, { "rows", "luts", "ffs", "dsps", "brams", "bramBits", "site", "sitesPerTileX", "sitesPerTileY" });
    TileType t;
    t.rows = int(in.integer(value, key, "rows", 1, 64, 1));
    t.perTile.luts = in.integer(value, key, "luts", 0, 1024, 0);
    t.perTile.ffs = in.integer(value, key, "ffs", 0, 4096, 0);
    t.perTile.dsps = in.integer(value, key, "dsps", 0, 64, 0);
    t.perTile.brams = in.integer(value, key, "brams", 0, 64, 0);
    t.bramBits = in.integer(value, key, "bramBits", 0, int64_t(1) << 30, 0);
    if (t.perTile.brams > 0 && t.bramBits == 0)
        in.fail(key + ".bramBits", "missing: a tile with block RAM must say how many bits one block holds");
    if (value.contains("site")) t.site = in.string(value, key, "site");
    t.sitesPerTileX = int(in.integer(value, key, "sitesPerTileX", 1, 16, 1));
    t.sitesPerTileY = int(in.integer(value, key, "sitesPerTileY", 1, 16, 1));
    return t;
}

// "CLB*12" -> 12 CLB columns.
void appendColumns(const Reader& in, const json& value, const std::string& key, std::vector<TileKind>& columns)
{
    if (!value.is_string())
        in.fail(key, std::string("expected a string such as \"CLB\" or \"CLB*12\", found ") + value.type_name());
    const std::string text = value.get<std::string>();
    const auto star = text.find('*');
    const std::string name = text.substr(0, star);
    const auto kind = kindFromString(name);
    if (!kind) in.fail(key, "unknown tile kind \"" + name + "\" (expected CLB, DSP, BRAM or IO)");
    long count = 1;
    if (star != std::string::npos) {
        const std::string digits = text.substr(star + 1);
        char* end = nullptr;
        count = std::strtol(digits.c_str(), &end, 10);
        if (digits.empty() || *end != '\0' || count < 1)
            in.fail(key, "bad repeat count in \"" + text + "\" (expected KIND*N with N >= 1)");
    }
    // Checked before expanding, so "CLB*100000" entries cannot build a huge vector first.
    if (count > kMaxGridColumns - long(columns.size()))
        in.fail(key,
            "\"" + text + "\" makes the grid wider than " + std::to_string(kMaxGridColumns)
                + " columns, the most a device may have");
    columns.insert(columns.end(), size_t(count), *kind);
}

} // namespace

Device parseDevice(const std::string& text, const std::string& label)
{
    const json doc = util::parseJson(text, label);
    const Reader in(label);
    in.object(doc, "",
        { "schema", "version", "part", "family", "vendor", "lutInputs", "datasheet", "tileTypes", "grid", "layout" });
    if (in.string(doc, "", "schema") != "luthier-device") in.fail("schema", "expected \"luthier-device\"");
    if (const int64_t version = in.integer(doc, "", "version", 1, 1000); version != 1)
        in.fail("version", "version " + std::to_string(version) + " is newer than this build understands (1)");

    DeviceInfo info;
    info.sourceFile = label;
    info.part = lower(in.string(doc, "", "part"));
    if (info.part.empty() || info.part.find_first_of(" /\\") != std::string::npos)
        in.fail("part", "must be a non-empty name without spaces or slashes");
    info.family = in.string(doc, "", "family");
    info.vendor = in.string(doc, "", "vendor");
    info.lutInputs = int(in.integer(doc, "", "lutInputs", 2, 8));

    const json& ds
        = in.object(in.member(doc, "", "datasheet"), "datasheet", { "luts", "ffs", "dsps", "brams", "source" });
    info.datasheet = { in.integer(ds, "datasheet", "luts", 1, int64_t(1) << 40),
        in.integer(ds, "datasheet", "ffs", 0, int64_t(1) << 40),
        in.integer(ds, "datasheet", "dsps", 0, int64_t(1) << 40),
        in.integer(ds, "datasheet", "brams", 0, int64_t(1) << 40) };
    info.datasheetSource = in.string(ds, "datasheet", "source");

    const json& types = in.object(in.member(doc, "", "tileTypes"), "tileTypes", { "CLB", "DSP", "BRAM", "IO" });
    for (TileKind k : { TileKind::Clb, TileKind::Dsp, TileKind::Bram, TileKind::Io }) {
        const std::string name(toString(k));
        if (types.contains(name))
            info.tileTypes[size_t(k)] = tileType(in, types.at(name), "tileTypes." + name);
        else if (k != TileKind::Io)
            in.fail("tileTypes." + name, "missing");
    }

    const json& grid = in.object(
        in.member(doc, "", "grid"), "grid", { "rows", "width", "columns", "holes", "clockRegions", "slrs" });
    info.rows = int(in.integer(grid, "grid", "rows", 1, kMaxGridRows));
    const json& columns = in.member(grid, "grid", "columns");
    if (!columns.is_array() || columns.empty()) in.fail("grid.columns", "expected a non-empty array of column kinds");
    for (size_t i = 0; i < columns.size(); ++i)
        appendColumns(in, columns[i], "grid.columns[" + std::to_string(i) + "]", info.columns);
    if (const int64_t tiles = int64_t(info.columns.size()) * info.rows; tiles > kMaxGridTiles)
        in.fail("grid",
            std::to_string(info.columns.size()) + " columns x " + std::to_string(info.rows)
                + " rows = " + std::to_string(tiles) + " tiles, more than the " + std::to_string(kMaxGridTiles)
                + " a device may have");
    if (grid.contains("width")) {
        const int64_t width = in.integer(grid, "grid", "width", 1, 1000000);
        if (width != int64_t(info.columns.size()))
            in.fail("grid.width",
                "says " + std::to_string(width) + " but grid.columns expands to " + std::to_string(info.columns.size())
                    + " columns");
    }
    for (size_t x = 0; x < info.columns.size(); ++x)
        if (info.columns[x] != TileKind::Io && !types.contains(std::string(toString(info.columns[x]))))
            in.fail("grid.columns", "uses " + std::string(toString(info.columns[x])) + " without a tileTypes entry");
    if (grid.contains("holes")) {
        const json& holes = grid.at("holes");
        if (!holes.is_array()) in.fail("grid.holes", "expected an array");
        for (size_t i = 0; i < holes.size(); ++i) {
            const std::string key = "grid.holes[" + std::to_string(i) + "]";
            Hole h;
            h.rect = in.rect(holes[i], key, { "name" });
            h.name = in.string(holes[i], key, "name");
            if (h.rect.col1 >= int(info.columns.size()) || h.rect.row1 >= info.rows)
                in.fail(key, toString(h.rect) + " lies outside the grid");
            info.holes.push_back(h);
        }
    }
    const json& cr
        = in.object(in.member(grid, "grid", "clockRegions"), "grid.clockRegions", { "rows", "columnStarts" });
    info.clockRegionRows = int(in.integer(cr, "grid.clockRegions", "rows", 1, info.rows));
    const json& starts = in.member(cr, "grid.clockRegions", "columnStarts");
    if (!starts.is_array() || starts.empty())
        in.fail("grid.clockRegions.columnStarts", "expected a non-empty array of column indices");
    for (const json& s : starts) {
        if (!s.is_number_integer()) in.fail("grid.clockRegions.columnStarts", "expected integers");
        info.clockRegionColumnStarts.push_back(s.get<int>());
    }
    const json& slrs = in.member(grid, "grid", "slrs");
    if (!slrs.is_array() || slrs.empty()) in.fail("grid.slrs", "expected a non-empty array of {row0, row1}");
    for (size_t i = 0; i < slrs.size(); ++i) {
        const std::string key = "grid.slrs[" + std::to_string(i) + "]";
        in.object(slrs[i], key, { "row0", "row1" });
        const int row0 = int(in.integer(slrs[i], key, "row0", 0, info.rows - 1));
        const int row1 = int(in.integer(slrs[i], key, "row1", row0, info.rows - 1));
        info.slrs.push_back({ 0, row0, int(info.columns.size()) - 1, row1 });
    }

    const json& layout = in.object(in.member(doc, "", "layout"), "layout", { "approximate", "note" });
    const json& approx = in.member(layout, "layout", "approximate");
    if (!approx.is_boolean()) in.fail("layout.approximate", "expected true or false");
    info.approximate = approx.get<bool>();
    info.layoutNote = in.string(layout, "layout", "note");
    return Device(std::move(info));
}

Device loadDevice(const fs::path& file)
{
    return parseDevice(util::readTextFile(file, "device file"), file.string());
}

std::vector<fs::path> deviceDirs(const std::vector<fs::path>& extraDirs)
{
    std::vector<fs::path> candidates = extraDirs;
    if (const char* env = std::getenv("LUTHIER_DEVICE_PATH"); env && *env) {
        std::stringstream list(env);
        for (std::string dir; std::getline(list, dir, ':');)
            if (!dir.empty()) candidates.emplace_back(dir);
    }
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        candidates.push_back(fs::path(xdg) / "luthier" / "devices");
    else if (const char* home = std::getenv("HOME"); home && *home)
        candidates.push_back(fs::path(home) / ".local" / "share" / "luthier" / "devices");
    try {
        candidates.push_back(util::resourceDir() / "devices");
    } catch (const Error&) {
        // No resource folder: user folders may still provide every device; findDevice reports what it tried.
    }
    std::vector<fs::path> dirs;
    for (const fs::path& dir : candidates) {
        std::error_code ec;
        if (fs::is_directory(dir, ec) && std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    }
    return dirs;
}

std::vector<DeviceEntry> listDevices(const std::vector<fs::path>& extraDirs, std::vector<std::string>* problems)
{
    std::vector<DeviceEntry> entries;
    std::set<std::string> seen;
    for (const fs::path& dir : deviceDirs(extraDirs)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const fs::path& file : files) {
            try {
                const Device device = loadDevice(file);
                if (seen.insert(device.part()).second) entries.push_back({ device.part(), file });
            } catch (const Error& e) {
                if (problems) problems->push_back(e.what());
            }
        }
    }
    return entries;
}

Device findDevice(std::string_view part, const std::vector<fs::path>& extraDirs)
{
    // Candidate names: the request, then with ordering-code suffixes removed ("-flga2577-2-e").
    std::vector<std::string> names { lower(part) };
    for (std::string name = names.front(); name.find('-') != std::string::npos;) {
        name = name.substr(0, name.rfind('-'));
        names.push_back(name);
    }
    const auto dirs = deviceDirs(extraDirs);
    // Files are named <part>.json by convention, but a user may name theirs differently: read the part
    // inside every file (once, and only when the names did not match) before trying a shorter name.
    std::optional<std::vector<DeviceEntry>> entries;
    std::vector<std::string> problems;
    for (const std::string& name : names) {
        for (const fs::path& dir : dirs)
            if (std::error_code ec; fs::is_regular_file(dir / (name + ".json"), ec)) {
                Device device = loadDevice(dir / (name + ".json"));
                if (device.part() != name)
                    throw Error((dir / (name + ".json")).string() + ": part: the file is named for '" + name
                        + "' but describes '" + device.part() + "'");
                return device;
            }
        if (!entries) entries = listDevices(extraDirs, &problems);
        for (const DeviceEntry& e : *entries)
            if (e.part == name) return loadDevice(e.file);
    }
    std::string known, searched;
    for (const DeviceEntry& e : *entries)
        known += (known.empty() ? "" : ", ") + e.part;
    for (const fs::path& dir : dirs)
        searched += "\n  " + dir.string();
    std::string message = "unknown device part '" + std::string(part)
        + "'; known parts: " + (known.empty() ? "none" : known)
        + "\nsearched:" + (searched.empty() ? " (no device folder exists)" : searched);
    for (const std::string& p : problems)
        message += "\nskipped " + p;
    throw Error(message);
}

} // namespace luthier::device
