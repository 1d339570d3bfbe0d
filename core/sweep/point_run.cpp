#include "point_run.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/log_tail.h"
#include "verify/process.h"
#include "verify/yosys_run.h"

#include <fstream>
#include <sstream>

namespace luthier::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::optional<json> readRecord(const fs::path& file)
{
    if (!fs::exists(file)) return std::nullopt;
    return util::loadJsonFile(file, "sweep point record");
}

// Yosys' counts for the synthesised layer, read from the log `synth` leaves in the design folder, beside the
// compiler's estimate of the same layer from the manifest.
json synthRecord(const fs::path& design, const std::string& layer)
{
    const json manifest = util::loadJsonFile(design / "manifest.json", "compiled design manifest");
    for (const json& l : manifest.at("layers")) {
        const std::string module = l.at("module").get<std::string>();
        if (module != layer && l.value("name", "") != layer) continue;
        const std::string log = util::readTextFile(design / "yosys" / (module + ".log"), "Yosys log");
        const verify::CellCounts counts = verify::parseYosysStat(log);
        const json& r = l.at("resources");
        return { { "layer", module }, { "lut", counts.lut }, { "ff", counts.ff }, { "carry", counts.carry },
            { "muxf", counts.muxf }, { "criticalPathPs", verify::parseYosysArrival(log) },
            { "estimateLut", r.value("lut", int64_t(0)) }, { "estimateFf", r.value("ff", int64_t(0)) } };
    }
    throw Error((design / "manifest.json").string() + ": no layer named " + layer);
}

} // namespace

std::optional<json> pointResult(const Plan& plan, const Point& point)
{
    return readRecord(point.folder(plan.dir) / "result.json");
}

std::optional<json> pointFailure(const Plan& plan, const Point& point)
{
    return readRecord(point.folder(plan.dir) / "failure.json");
}

PointState pointState(const Plan& plan, const Point& point)
{
    const fs::path folder = point.folder(plan.dir);
    if (fs::exists(folder / "result.json")) return PointState::Finished;
    if (fs::exists(folder / "failure.json")) return PointState::Failed;
    return PointState::Unfinished;
}

void markFailed(const Plan& plan, const Point& point, const std::string& reason)
{
    const json record = { { "point", point.name }, { "index", point.index }, { "step", "" }, { "reason", reason } };
    util::writeFileAtomic(point.folder(plan.dir) / "failure.json", util::dumpJson(record, 2) + "\n");
}

PointState runPoint(const Plan& plan, const Point& point, Progress* progress)
{
    const fs::path folder = point.folder(plan.dir);
    fs::create_directories(folder / "logs");
    fs::remove(folder / "failure.json");
    json run = json::object();
    for (const Command& c : point.commands) {
        std::vector<std::string> argv = c.argv;
        argv.at(0) = plan.cli;
        if (!c.stdoutFile.empty()) {
            // JSON on standard output, notes and progress on standard error: kept apart by the shell, which
            // receives the arguments as a vector (no quoting) and execs the command.
            argv.insert(argv.begin(),
                { "/bin/sh", "-c", "out=$1; shift; exec \"$@\" >\"$out\"", "sh", (folder / c.stdoutFile).string() });
        }
        const fs::path log = folder / "logs" / (c.step + ".log");
        const verify::ProcessResult r = verify::runProcess(argv, folder, log, progress);
        if (progress) progress->checkpoint();
        if (r.exitCode != 0) {
            const json record = { { "point", point.name }, { "index", point.index }, { "step", c.step },
                { "reason",
                    "luthier-cli " + c.step + " exited with status " + std::to_string(r.exitCode) + ": "
                        + util::logTail(r.output, 3) },
                { "log", (fs::path("logs") / (c.step + ".log")).string() } };
            util::writeFileAtomic(folder / "failure.json", util::dumpJson(record, 2) + "\n");
            return PointState::Failed;
        }
        run[c.step] = { { "cpuSeconds", r.cpuSeconds }, { "peakRssBytes", r.peakRssBytes } };
    }

    json result = { { "point", point.name }, { "index", point.index }, { "axes", point.axes } };
    try {
        if (fs::exists(folder / "analyze.json")) {
            const json a = util::loadJsonFile(folder / "analyze.json", "analyze output");
            const json& s = a.at("selected");
            result["estimate"] = { { "lut", s.value("lut", int64_t(0)) }, { "ff", s.value("ff", int64_t(0)) },
                { "dsp", s.value("dsp", int64_t(0)) }, { "bram36", s.value("bram36", 0.0) },
                { "cycles", s.value("cycles", int64_t(0)) } };
            if (a.contains("accuracy")) result["accuracy"] = a.at("accuracy").at("overridden");
        }
        if (!point.synthLayer.empty()) result["synth"] = synthRecord(folder / "design", point.synthLayer);
    } catch (const json::exception& e) {
        throw Error(folder.string() + ": a step's output lacks what the report needs: " + e.what());
    }
    // Measurements of this run only (they differ between runs and machines): kept out of the report.
    result["run"] = run;
    util::writeFileAtomic(folder / "result.json", util::dumpJson(result, 2) + "\n");
    return PointState::Finished;
}

} // namespace luthier::sweep
