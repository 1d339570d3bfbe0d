#include "project/project_file.h"

#include "quant/learned_tables_io.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/input_file.h"
#include "util/json_file.h"

#include <filesystem>
#include <sstream>

namespace luthier::project {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormatTag = "luthier-project";

// Reads typed values out of the document with errors that name the file and the key path.
class Reader {
public:
    explicit Reader(std::string label)
        : m_label(std::move(label))
    {
    }

    [[noreturn]] void fail(const std::string& key, const std::string& what) const
    {
        throw Error(m_label + ": " + key + ": " + what);
    }

    const json& object(const json& value, const std::string& key) const
    {
        if (!value.is_object()) fail(key, std::string("expected an object, found ") + value.type_name());
        return value;
    }

    std::string string(const json& value, const std::string& key) const
    {
        if (!value.is_string()) fail(key, std::string("expected a string, found ") + value.type_name());
        return value.get<std::string>();
    }

    int integer(const json& value, const std::string& key, int lo, int hi) const
    {
        if (!value.is_number_integer()) fail(key, std::string("expected an integer, found ") + value.type_name());
        const auto v = value.get<int64_t>();
        if (v < lo || v > hi)
            fail(key, std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return int(v);
    }

    double number(const json& value, const std::string& key, double lo, double hi) const
    {
        if (!value.is_number()) fail(key, std::string("expected a number, found ") + value.type_name());
        const auto v = value.get<double>();
        if (!(v >= lo && v <= hi))
            fail(key, std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
        return v;
    }

    TileRect rect(const json& value, const std::string& key) const
    {
        object(value, key);
        TileRect r;
        int* fields[] = { &r.col0, &r.row0, &r.col1, &r.row1 };
        const char* names[] = { "col0", "row0", "col1", "row1" };
        for (int i = 0; i < 4; ++i) {
            if (!value.contains(names[i])) fail(key, std::string("missing \"") + names[i] + "\"");
            *fields[i] = integer(value.at(names[i]), key + "." + names[i], 0, 1 << 20);
        }
        if (r.col1 < r.col0 || r.row1 < r.row0) fail(key, "the rectangle's end lies before its start");
        return r;
    }

private:
    std::string m_label;
};

std::string resolve(const std::string& stored, const std::string& baseDir)
{
    fs::path p(stored);
    if (p.is_relative()) p = fs::path(baseDir) / p;
    return p.lexically_normal().string();
}

std::string relativeTo(const std::string& path, const std::string& baseDir)
{
    if (path.empty()) return path;
    std::error_code ec;
    const fs::path rel = fs::proximate(fs::path(path), fs::path(baseDir), ec);
    return ec ? path : rel.generic_string();
}

// A layer's learned tables: a path to a learned-tables file (relative to the project) or the document inline.
void readTables(const Reader& in, const json& value, const std::string& key, const std::string& baseDir,
    const std::string& label, quant::LayerOverride& o)
{
    try {
        if (value.is_string()) {
            o.tablesFile = resolve(value.get<std::string>(), baseDir);
            o.tables = std::make_shared<const ir::LearnedTables>(quant::loadLearnedTables(o.tablesFile));
        } else {
            o.tables = std::make_shared<const ir::LearnedTables>(quant::parseLearnedTables(value, label + ": " + key));
        }
    } catch (const Error& e) {
        if (value.is_string()) in.fail(key, e.what());
        throw;
    }
}

quant::LayerOverride readOverride(
    const Reader& in, const json& value, const std::string& key, const std::string& baseDir, const std::string& label)
{
    in.object(value, key);
    quant::LayerOverride o;
    if (value.contains("weightBits")) o.weightBits = in.integer(value["weightBits"], key + ".weightBits", 1, 16);
    if (value.contains("activationBits"))
        o.activationBits = in.integer(value["activationBits"], key + ".activationBits", 1, 16);
    if (value.contains("weightScheme")) {
        const std::string s = in.string(value["weightScheme"], key + ".weightScheme");
        if (s == "uniform")
            o.weightScheme = ir::WeightScheme::Uniform;
        else if (s == "pow2")
            o.weightScheme = ir::WeightScheme::PowerOfTwo;
        else
            in.fail(key + ".weightScheme", "\"" + s + "\" is not one of uniform, pow2");
    }
    if (value.contains("template")) {
        const std::string s = in.string(value["template"], key + ".template");
        o.templateKind = ir::templateFromString(s);
        if (!o.templateKind) {
            std::string known;
            for (ir::TemplateKind t : ir::kAllTemplates)
                known += (known.empty() ? "" : ", ") + std::string(ir::toString(t));
            in.fail(key + ".template", "\"" + s + "\" is not one of " + known);
        }
    }
    if (value.contains("groupSize")) o.groupSize = in.integer(value["groupSize"], key + ".groupSize", 1, 16);
    if (value.contains("tables")) readTables(in, value["tables"], key + ".tables", baseDir, label, o);
    return o;
}

template <typename T> void setOrErase(json& obj, const char* key, const std::optional<T>& value)
{
    if (value)
        obj[key] = *value;
    else
        obj.erase(key);
}

json rectJson(json base, const TileRect& r)
{
    if (!base.is_object()) base = json::object();
    base["col0"] = r.col0;
    base["row0"] = r.row0;
    base["col1"] = r.col1;
    base["row1"] = r.row1;
    return base;
}

// The sub-object `key` of `doc` if it is one, else an empty object (a fresh section).
json section(const json& doc, const char* key)
{
    return doc.contains(key) && doc[key].is_object() ? doc[key] : json::object();
}

} // namespace

Project parseProject(const std::string& text, const std::string& baseDir, const std::string& label)
{
    const json doc = util::parseJson(text, label, "a valid project file");
    const Reader in(label);
    if (!doc.is_object() || !doc.contains("format") || doc["format"] != kFormatTag)
        throw Error(label + ": not a Luthier project (expected a JSON object with \"format\": \"" + kFormatTag + "\")");
    if (!doc.contains("version")) in.fail("version", "missing");
    if (!doc["version"].is_number_integer()) in.fail("version", "expected an integer");
    const int64_t version = doc["version"].get<int64_t>();
    if (version > kFormatVersion)
        throw Error(label + ": written by a newer Luthier (project format version " + std::to_string(version)
            + "; this build reads up to version " + std::to_string(kFormatVersion)
            + "). Open it with a newer Luthier.");
    if (version < 1) in.fail("version", std::to_string(version) + " is not a valid format version");

    Project p;
    if (doc.contains("model")) p.modelPath = resolve(in.string(doc["model"], "model"), baseDir);
    if (doc.contains("device")) p.devicePart = in.string(doc["device"], "device");
    if (doc.contains("dataset")) {
        const json& d = in.object(doc["dataset"], "dataset");
        if (d.contains("inputs")) p.dataset.inputs = resolve(in.string(d["inputs"], "dataset.inputs"), baseDir);
        if (d.contains("labels")) p.dataset.labels = resolve(in.string(d["labels"], "dataset.labels"), baseDir);
    }
    if (doc.contains("compiler")) {
        const json& c = in.object(doc["compiler"], "compiler");
        if (c.contains("lutInputs")) p.compiler.lutInputs = in.integer(c["lutInputs"], "compiler.lutInputs", 2, 8);
        if (c.contains("parallelism"))
            p.compiler.parallelism = in.integer(c["parallelism"], "compiler.parallelism", 1, 1 << 16);
        if (c.contains("annealingEffort"))
            p.compiler.annealingEffort = in.number(c["annealingEffort"], "compiler.annealingEffort", 0.0, 1000.0);
        if (c.contains("clockMhz")) p.compiler.clockMhz = in.number(c["clockMhz"], "compiler.clockMhz", 1.0, 2000.0);
        if (c.contains("inputBits"))
            p.compiler.inputBits
                = in.integer(c["inputBits"], "compiler.inputBits", quant::kMinInputBits, quant::kMaxInputBits);
        if (c.contains("inputFractionBits"))
            p.compiler.inputFractionBits = in.integer(c["inputFractionBits"], "compiler.inputFractionBits",
                quant::kMinInputFractionBits, quant::kMaxInputFractionBits);
    }
    if (doc.contains("overrides")) {
        for (const auto& [name, value] : in.object(doc["overrides"], "overrides").items()) {
            const quant::LayerOverride o = readOverride(in, value, "overrides." + name, baseDir, label);
            if (!o.empty()) p.overrides[name] = o;
        }
    }
    if (doc.contains("constraints")) {
        const json& c = in.object(doc["constraints"], "constraints");
        if (c.contains("pblocks"))
            for (const auto& [name, value] : in.object(c["pblocks"], "constraints.pblocks").items())
                p.constraints.pblocks[name] = in.rect(value, "constraints.pblocks." + name);
        if (c.contains("slr"))
            for (const auto& [name, value] : in.object(c["slr"], "constraints.slr").items())
                p.constraints.slr[name] = in.integer(value, "constraints.slr." + name, 0, 15);
        if (c.contains("keepOut")) {
            if (!c["keepOut"].is_array()) in.fail("constraints.keepOut", "expected an array of rectangles");
            for (size_t i = 0; i < c["keepOut"].size(); ++i)
                p.constraints.keepOut.push_back(
                    in.rect(c["keepOut"][i], "constraints.keepOut[" + std::to_string(i) + "]"));
        }
    }
    p.document = std::move(doc);
    return p;
}

std::string serialiseProject(const Project& project, const std::string& baseDir)
{
    json doc = project.document.is_object() ? project.document : json::object();
    doc["format"] = kFormatTag;
    doc["version"] = kFormatVersion;

    if (project.modelPath.empty())
        doc.erase("model");
    else
        doc["model"] = relativeTo(project.modelPath, baseDir);
    if (project.devicePart.empty())
        doc.erase("device");
    else
        doc["device"] = project.devicePart;

    json dataset = section(doc, "dataset");
    for (auto [key, path] :
        { std::pair { "inputs", &project.dataset.inputs }, { "labels", &project.dataset.labels } }) {
        if (path->empty())
            dataset.erase(key);
        else
            dataset[key] = relativeTo(*path, baseDir);
    }
    if (dataset.empty())
        doc.erase("dataset");
    else
        doc["dataset"] = dataset;

    json compiler = section(doc, "compiler");
    compiler["lutInputs"] = project.compiler.lutInputs;
    compiler["parallelism"] = project.compiler.parallelism;
    compiler["annealingEffort"] = project.compiler.annealingEffort;
    compiler["clockMhz"] = project.compiler.clockMhz;
    compiler["inputBits"] = project.compiler.inputBits;
    compiler["inputFractionBits"] = project.compiler.inputFractionBits;
    doc["compiler"] = compiler;

    const json oldOverrides = section(doc, "overrides");
    json overrides = json::object();
    for (const auto& [name, o] : project.overrides) {
        if (o.empty()) continue;
        json entry
            = oldOverrides.contains(name) && oldOverrides[name].is_object() ? oldOverrides[name] : json::object();
        setOrErase(entry, "weightBits", o.weightBits);
        setOrErase(entry, "activationBits", o.activationBits);
        setOrErase(entry, "groupSize", o.groupSize);
        if (o.weightScheme)
            entry["weightScheme"] = *o.weightScheme == ir::WeightScheme::PowerOfTwo ? "pow2" : "uniform";
        else
            entry.erase("weightScheme");
        if (o.templateKind)
            entry["template"] = std::string(ir::toString(*o.templateKind));
        else
            entry.erase("template");
        if (!o.tablesFile.empty())
            entry["tables"] = relativeTo(o.tablesFile, baseDir);
        else if (o.tables)
            entry["tables"] = quant::learnedTablesJson(*o.tables);
        else
            entry.erase("tables");
        overrides[name] = entry;
    }
    doc["overrides"] = overrides;

    json constraints = section(doc, "constraints");
    const json oldPblocks = section(constraints, "pblocks");
    json pblocks = json::object();
    for (const auto& [name, r] : project.constraints.pblocks)
        pblocks[name] = rectJson(oldPblocks.contains(name) ? oldPblocks[name] : json::object(), r);
    constraints["pblocks"] = pblocks;
    json slr = json::object();
    for (const auto& [name, index] : project.constraints.slr)
        slr[name] = index;
    constraints["slr"] = slr;
    json keepOut = json::array();
    for (const TileRect& r : project.constraints.keepOut)
        keepOut.push_back(rectJson(json::object(), r));
    constraints["keepOut"] = keepOut;
    doc["constraints"] = constraints;

    return util::dumpJson(doc, 2) + "\n";
}

Project loadProject(const std::string& path)
{
    // A project is a few kilobytes; 64 MiB leaves room for any number of overrides and constraints.
    const std::string text = util::readInputFile(path, "project file", uint64_t(64) << 20);
    const std::string baseDir = fs::absolute(fs::path(path)).parent_path().string();
    return parseProject(text, baseDir, path);
}

void saveProject(const Project& project, const std::string& path)
{
    const fs::path target = fs::absolute(fs::path(path));
    const std::string text = serialiseProject(project, target.parent_path().string());
    try {
        util::writeFileAtomic(target, text);
    } catch (const Error& e) {
        throw Error(path + ": cannot write project file: " + e.what());
    }
}

} // namespace luthier::project
