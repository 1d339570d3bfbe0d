#include "sweep_plan.h"

#include "ir/template_kind.h"
#include "sim/npy.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <algorithm>
#include <cstdio>

namespace luthier::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const kSteps[] = { "estimate", "eval", "synth" };

// An axis: a list of values, or one value standing for a list of one. Absent: `fallback`.
json axis(const json& d, const std::string& key, json fallback)
{
    if (!d.contains(key)) return fallback;
    json values = d.at(key).is_array() ? d.at(key) : json::array({ d.at(key) });
    if (values.empty()) throw Error("sweep description: " + key + ": give at least one value");
    return values;
}

int positiveInt(const json& v, const std::string& key, int lo, int hi)
{
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
        throw Error("sweep description: " + key + ": " + v.dump() + " is not an integer in " + std::to_string(lo) + ".."
            + std::to_string(hi));
    return v.get<int>();
}

std::string absolutePath(const json& d, const std::string& key, const fs::path& base)
{
    if (!d.contains(key)) return {};
    if (!d.at(key).is_string()) throw Error("sweep description: " + key + ": not a path");
    return fs::absolute(base / d.at(key).get<std::string>()).lexically_normal().string();
}

// The first `count` rows of an .npy file, written to `to` with the same element type family.
void writeSample(const std::string& from, const fs::path& to, int64_t count)
{
    const sim::NpyArray a = sim::readNpy(from);
    if (a.shape.empty() || a.shape[0] < count)
        throw Error("sweep description: samples: " + from + " holds fewer than " + std::to_string(count) + " samples");
    std::vector<int64_t> shape = a.shape;
    shape[0] = count;
    const size_t n = size_t(a.count() / a.shape[0] * count);
    if (sim::isInteger(a.type))
        sim::writeNpy(to.string(), shape, std::vector<int64_t>(a.ints.begin(), a.ints.begin() + long(n)));
    else if (a.type == sim::NpyType::Float64)
        sim::writeNpy(to.string(), shape, std::vector<double>(a.values.begin(), a.values.begin() + long(n)));
    else
        sim::writeNpy(to.string(), shape, std::vector<float>(a.values.begin(), a.values.begin() + long(n)));
}

// "--set LAYER.wbits=B" for a uniform width (LAYER '*') or a per-layer object {"LAYER": B, ...}.
std::vector<std::string> weightSets(const json& w)
{
    std::vector<std::string> sets;
    if (w.is_number_integer()) return { "--set", "*.wbits=" + std::to_string(positiveInt(w, "wbits", 1, 16)) };
    if (!w.is_object() || w.empty())
        throw Error("sweep description: wbits: " + w.dump() + " is neither a bit-width nor {\"LAYER\": bits, ...}");
    for (const auto& [layer, bits] : w.items()) {
        sets.push_back("--set");
        sets.push_back(layer + ".wbits=" + std::to_string(positiveInt(bits, "wbits." + layer, 1, 16)));
    }
    return sets;
}

std::string weightName(const json& w, size_t index)
{
    return w.is_number_integer() ? "w" + std::to_string(w.get<int>()) : "wl" + std::to_string(index);
}

json toJson(const Point& p)
{
    json commands = json::array();
    for (const Command& c : p.commands)
        commands.push_back({ { "step", c.step }, { "argv", c.argv }, { "stdout", c.stdoutFile } });
    return { { "index", p.index }, { "name", p.name }, { "axes", p.axes }, { "synthLayer", p.synthLayer },
        { "commands", commands } };
}

Point pointFromJson(const json& j)
{
    Point p;
    p.index = j.at("index").get<int>();
    p.name = j.at("name").get<std::string>();
    p.axes = j.at("axes");
    p.synthLayer = j.at("synthLayer").get<std::string>();
    for (const json& c : j.at("commands"))
        p.commands.push_back({ c.at("step").get<std::string>(), c.at("argv").get<std::vector<std::string>>(),
            c.at("stdout").get<std::string>() });
    return p;
}

// The description with every path absolute and every axis a list: what sweep.json records and compares.
json normalise(const json& d, const fs::path& base)
{
    if (!d.is_object()) throw Error("sweep description: not a JSON object");
    static const std::vector<std::string> known = { "model", "inputs", "labels", "samples", "wbits", "abits",
        "templates", "lutInputs", "parallel", "steps", "synthLayer", "effort" };
    for (const auto& [key, value] : d.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            throw Error("sweep description: unknown key '" + key + "' (docs/sweeps.md lists the keys)");
    json n;
    n["model"] = absolutePath(d, "model", base);
    if (n["model"].get<std::string>().empty()) throw Error("sweep description: model: missing");
    n["inputs"] = absolutePath(d, "inputs", base);
    n["labels"] = absolutePath(d, "labels", base);
    n["samples"] = d.contains("samples") ? positiveInt(d.at("samples"), "samples", 0, 1 << 30) : 0;
    n["wbits"] = axis(d, "wbits", json::array({ nullptr }));
    n["abits"] = axis(d, "abits", json::array({ nullptr }));
    n["templates"] = axis(d, "templates", json::array({ "tlmac" }));
    n["lutInputs"] = axis(d, "lutInputs", json::array({ 6 }));
    n["parallel"] = axis(d, "parallel", json::array({ 64 }));
    n["steps"] = axis(d, "steps", json::array({ "estimate" }));
    n["synthLayer"] = d.value("synthLayer", "");
    n["effort"] = d.value("effort", 1.0);
    for (const json& s : n["steps"])
        if (!s.is_string() || std::find(std::begin(kSteps), std::end(kSteps), s.get<std::string>()) == std::end(kSteps))
            throw Error("sweep description: steps: " + s.dump() + " is not one of estimate, eval, synth");
    for (const json& t : n["templates"])
        if (!t.is_string() || !ir::templateFromString(t.get<std::string>()))
            throw Error("sweep description: templates: " + t.dump() + " is not a template name");
    const auto has = [&](const char* step) {
        return std::find(n["steps"].begin(), n["steps"].end(), json(step)) != n["steps"].end();
    };
    if (has("eval") && (n["inputs"].get<std::string>().empty() || n["labels"].get<std::string>().empty()))
        throw Error("sweep description: the eval step needs inputs and labels");
    if (has("synth") && n["synthLayer"].get<std::string>().empty())
        throw Error("sweep description: the synth step needs synthLayer (a layer or module name; `luthier-cli "
                    "inspect MODEL` lists them)");
    return n;
}

std::vector<Point> expand(const json& n, const fs::path& dir)
{
    const auto has = [&](const char* step) {
        return std::find(n["steps"].begin(), n["steps"].end(), json(step)) != n["steps"].end();
    };
    const bool sample = n["samples"].get<int>() > 0;
    const std::string inputs = sample ? (dir / "data" / "inputs.npy").string() : n["inputs"].get<std::string>();
    const std::string labels = sample ? (dir / "data" / "labels.npy").string() : n["labels"].get<std::string>();
    const std::string model = n["model"];
    const std::string effort = json(n["effort"].get<double>()).dump();
    std::vector<Point> points;
    for (size_t wi = 0; wi < n["wbits"].size(); ++wi)
        for (const json& a : n["abits"])
            for (const json& t : n["templates"])
                for (const json& k : n["lutInputs"])
                    for (const json& p : n["parallel"]) {
                        const json& w = n["wbits"][wi];
                        Point point;
                        point.index = int(points.size());
                        std::vector<std::string> sets;
                        if (!w.is_null()) {
                            sets = weightSets(w);
                            point.axes["wbits"] = w;
                            point.name += weightName(w, wi) + "-";
                        }
                        if (!a.is_null()) {
                            sets.push_back("--set");
                            sets.push_back("*.abits=" + std::to_string(positiveInt(a, "abits", 1, 16)));
                            point.axes["abits"] = a;
                            point.name += "a" + a.dump() + "-";
                        }
                        const std::string kText = std::to_string(positiveInt(k, "lutInputs", 3, 8));
                        const std::string pText = std::to_string(positiveInt(p, "parallel", 1, 1 << 20));
                        point.axes["template"] = t;
                        point.axes["lutInputs"] = k;
                        point.axes["parallel"] = p;
                        point.name.append(t.get<std::string>()).append("-k").append(kText).append("-p").append(pText);
                        char prefix[16];
                        std::snprintf(prefix, sizeof prefix, "%02d-", point.index);
                        const fs::path folder = dir / "points" / (prefix + point.name);
                        if (has("estimate") || has("eval")) {
                            Command c { "analyze", { "luthier-cli", "analyze", model }, "analyze.json" };
                            c.argv.insert(c.argv.end(), sets.begin(), sets.end());
                            c.argv.insert(c.argv.end(),
                                { "--set", "*.template=" + t.get<std::string>(), "--lut-inputs", kText, "--parallel",
                                    pText, "--tlmac-effort", effort, "--json" });
                            if (has("eval")) c.argv.insert(c.argv.end(), { "--inputs", inputs, "--labels", labels });
                            point.commands.push_back(std::move(c));
                        }
                        if (has("synth")) {
                            const std::string design = (folder / "design").string();
                            Command c { "compile", { "luthier-cli", "compile", model, "-o", design }, "" };
                            c.argv.insert(c.argv.end(), sets.begin(), sets.end());
                            c.argv.insert(c.argv.end(),
                                { "--template", t.get<std::string>(), "--lut-inputs", kText, "--parallel", pText,
                                    "--effort", effort });
                            point.commands.push_back(std::move(c));
                            point.synthLayer = n["synthLayer"];
                            point.commands.push_back({ "synth",
                                { "luthier-cli", "synth", design, "--layer", point.synthLayer, "-j", "1" }, "" });
                        }
                        points.push_back(std::move(point));
                    }
    return points;
}

} // namespace

fs::path Point::folder(const fs::path& sweepDir) const
{
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%02d-", index);
    return sweepDir / "points" / (prefix + name);
}

Plan planSweep(const fs::path& descriptionFile, const fs::path& dirIn, const std::string& cli)
{
    const json description = util::loadJsonFile(descriptionFile, "sweep description");
    Plan plan;
    plan.dir = fs::absolute(dirIn).lexically_normal();
    plan.cli = cli;
    plan.description = normalise(description, fs::absolute(descriptionFile).parent_path());
    plan.points = expand(plan.description, plan.dir);

    if (fs::exists(plan.dir / "sweep.json")) {
        const Plan old = loadPlan(plan.dir);
        if (old.description != plan.description)
            throw Error(plan.dir.string() + " already holds a different sweep; plan into an empty folder");
    }
    fs::create_directories(plan.dir / "points");
    if (plan.description["samples"].get<int>() > 0) {
        fs::create_directories(plan.dir / "data");
        const int64_t n = plan.description["samples"].get<int64_t>();
        if (!plan.description["inputs"].get<std::string>().empty())
            writeSample(plan.description["inputs"], plan.dir / "data" / "inputs.npy", n);
        if (!plan.description["labels"].get<std::string>().empty())
            writeSample(plan.description["labels"], plan.dir / "data" / "labels.npy", n);
    }
    json points = json::array();
    for (const Point& p : plan.points) {
        fs::create_directories(p.folder(plan.dir));
        points.push_back(toJson(p));
    }
    const json file = { { "format", 1 }, { "cli", cli }, { "description", plan.description }, { "points", points } };
    util::writeFileAtomic(plan.dir / "sweep.json", util::dumpJson(file, 2) + "\n");
    return plan;
}

Plan loadPlan(const fs::path& dirIn)
{
    const fs::path dir = fs::absolute(dirIn).lexically_normal();
    if (!fs::exists(dir / "sweep.json"))
        throw Error(dir.string() + " holds no sweep (no sweep.json): run `luthier-cli sweep plan` first");
    const json j = util::loadJsonFile(dir / "sweep.json", "sweep plan");
    Plan plan;
    plan.dir = dir;
    try {
        plan.cli = j.at("cli").get<std::string>();
        plan.description = j.at("description");
        for (const json& p : j.at("points"))
            plan.points.push_back(pointFromJson(p));
    } catch (const json::exception& e) {
        throw Error((dir / "sweep.json").string() + ": " + e.what());
    }
    return plan;
}

} // namespace luthier::sweep
