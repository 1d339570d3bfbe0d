#include "export/design_manifest.h"

#include "export/tcl_text.h"
#include "util/error.h"
#include "util/json_file.h"

#include <nlohmann/json.hpp>
#include <set>

namespace luthier::exporter {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class Reader : public util::JsonReader {
public:
    using JsonReader::JsonReader;

    std::string string(const json& object, const std::string& key, const std::string& where, bool required) const
    {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null()) {
            if (required) fail(where + key, "missing");
            return {};
        }
        if (!it->is_string()) fail(where + key, "expected a string");
        return it->get<std::string>();
    }

    std::string identifier(const json& object, const std::string& key, const std::string& where, bool required) const
    {
        std::string value = string(object, key, where, required);
        if (!value.empty() && !isVerilogIdentifier(value))
            fail(where + key, "'" + value + "' is not a plain Verilog identifier ([A-Za-z_][A-Za-z0-9_]*)");
        return value;
    }

    double number(const json& object, const std::string& key, const std::string& where) const
    {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null()) return 0;
        if (!it->is_number()) fail(where + key, "expected a number");
        const double value = it->get<double>();
        if (value < 0) fail(where + key, "must not be negative");
        return value;
    }

    const json& array(const json& object, const std::string& key) const
    {
        const auto it = object.find(key);
        if (it == object.end() || !it->is_array()) fail(key, "missing or not an array");
        return *it;
    }
};

fs::path checkedRelativeFile(const Reader& reader, const fs::path& dir, const std::string& text, const std::string& key)
{
    const fs::path relative = fs::path(text).lexically_normal();
    if (text.empty() || relative.is_absolute() || relative.empty() || *relative.begin() == "..")
        reader.fail(key, "'" + text + "' must be a path inside the design folder");
    std::error_code ec;
    if (!fs::is_regular_file(dir / relative, ec))
        reader.fail(key, "file '" + text + "' does not exist in " + dir.string());
    // Not through a symbolic link: the exporter copies these files, and a link could name any file.
    fs::path inside = dir;
    for (const fs::path& part : relative) {
        inside /= part;
        if (fs::is_symlink(fs::symlink_status(inside, ec)))
            reader.fail(key, "'" + text + "' is a symbolic link (or lies under one); design files must be real files");
    }
    return relative;
}

} // namespace

DesignManifest loadDesignManifest(const fs::path& dir)
{
    const fs::path path = dir / kManifestFile;
    const json doc = util::parseJson(
        util::readTextFile(
            path, "the design manifest (is " + dir.string() + " a folder written by `luthier-cli compile`?)"),
        path.string());
    const Reader reader(path.string());
    if (!doc.is_object()) reader.fail("(document)", "expected a JSON object");

    DesignManifest manifest;
    manifest.dir = dir;
    manifest.top = reader.identifier(doc, "top", "", true);
    manifest.clock = reader.identifier(doc, "clock", "", true);
    manifest.reset = reader.identifier(doc, "reset", "", false);
    manifest.model = reader.string(doc, "model", "", false);
    manifest.part = reader.string(doc, "part", "", false);
    if (doc.contains("clockNs") && !doc["clockNs"].is_null()) {
        const double ns = reader.number(doc, "clockNs", "");
        if (ns <= 0) reader.fail("clockNs", "must be positive");
        manifest.clockNs = ns;
    }

    std::set<std::string> portNames;
    const json& ports = reader.array(doc, "ports");
    for (size_t i = 0; i < ports.size(); ++i) {
        const std::string where = "ports[" + std::to_string(i) + "].";
        if (!ports[i].is_object()) reader.fail(where, "expected an object");
        PortInfo port;
        port.name = reader.identifier(ports[i], "name", where, true);
        const std::string direction = reader.string(ports[i], "direction", where, true);
        if (direction != "input" && direction != "output")
            reader.fail(where + "direction", "expected \"input\" or \"output\", got '" + direction + "'");
        port.isInput = direction == "input";
        const double width = reader.number(ports[i], "width", where);
        port.width = width >= 1 ? static_cast<int>(width) : 1;
        if (!portNames.insert(port.name).second) reader.fail(where + "name", "duplicate port '" + port.name + "'");
        manifest.ports.push_back(port);
    }
    auto isInputPort = [&](const std::string& name) {
        for (const PortInfo& port : manifest.ports)
            if (port.name == name) return port.isInput;
        return false;
    };
    if (!isInputPort(manifest.clock)) reader.fail("clock", "'" + manifest.clock + "' is not one of the input ports");
    if (!manifest.reset.empty() && !isInputPort(manifest.reset))
        reader.fail("reset", "'" + manifest.reset + "' is not one of the input ports");

    const json& files = reader.array(doc, "files");
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string key = "files[" + std::to_string(i) + "]";
        if (!files[i].is_string()) reader.fail(key, "expected a string");
        manifest.files.push_back(checkedRelativeFile(reader, dir, files[i].get<std::string>(), key));
    }
    if (manifest.files.empty()) reader.fail("files", "no RTL files listed");

    std::set<std::string> instances;
    const json& layers = reader.array(doc, "layers");
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string where = "layers[" + std::to_string(i) + "].";
        if (!layers[i].is_object()) reader.fail(where, "expected an object");
        LayerInfo layer;
        layer.name = reader.string(layers[i], "name", where, true);
        layer.module = reader.identifier(layers[i], "module", where, true);
        layer.instance = reader.identifier(layers[i], "instance", where, true);
        layer.templateName = reader.string(layers[i], "template", where, false);
        if (const auto it = layers[i].find("resources"); it != layers[i].end() && it->is_object()) {
            const std::string inner = where + "resources.";
            layer.estimate = { reader.number(*it, "lut", inner), reader.number(*it, "ff", inner),
                reader.number(*it, "dsp", inner), reader.number(*it, "bram", inner) };
        }
        if (!instances.insert(layer.instance).second)
            reader.fail(where + "instance", "duplicate instance '" + layer.instance + "'");
        manifest.layers.push_back(std::move(layer));
    }
    return manifest;
}

} // namespace luthier::exporter
