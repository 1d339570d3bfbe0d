#include "verify/yosys_run.h"

#include "util/error.h"
#include "util/json_file.h"
#include "util/parallel.h"
#include "verify/process.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace luthier::verify {

namespace {

bool startsWith(const std::string& s, const char* prefix)
{
    return s.rfind(prefix, 0) == 0;
}

std::string lastLine(std::string text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.pop_back();
    return text.substr(text.rfind('\n') + 1); // npos + 1 == 0: the whole text
}

// One layer in its own Yosys process. A failure is recorded in s.problem; only cancellation returns early
// without one (the caller sees progress->cancelled()).
void synthesiseLayer(LayerSynthesis& s, const std::filesystem::path& dir, const std::filesystem::path& workDir,
    const std::string& flow, int memoryLimitGb, Progress* progress)
{
    const auto source = std::filesystem::absolute(dir / (s.module + ".v"));
    // Yosys commands take file names unquoted; copy the source to a plain name in the work folder so paths with
    // spaces cannot split the script.
    const auto local = workDir / (s.module + ".v");
    s.log = workDir / (s.module + ".log");
    std::error_code ec;
    std::filesystem::copy_file(source, local, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
        s.problem = "cannot copy " + source.string() + ": " + ec.message();
        return;
    }
    // `sta` needs the cells' timing: their simulation models with the specify blocks, read after `stat` so that
    // they are not counted.
    const bool xilinx = flow == "synth_xilinx";
    const std::string script = "read_verilog " + s.module + ".v; " + flow + " -top " + s.module
        + (xilinx ? " -flatten -noiopad" : "") + "; stat"
        + (xilinx ? "; read_verilog -lib -specify +/xilinx/cells_sim.v; sta" : "");
    const auto start = std::chrono::steady_clock::now();
    ProcessResult r;
    try {
        r = runProcess({ "yosys", "-q", "-p", script, "-l", s.log.filename().string() }, workDir,
            workDir / (s.module + ".out"), progress, uint64_t(std::max(0, memoryLimitGb)) << 30);
    } catch (const Cancelled&) {
        return;
    } catch (const std::exception& e) {
        s.problem = e.what();
        return;
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::ifstream logFile(s.log);
    std::ostringstream text;
    text << logFile.rdbuf();
    s.counts = parseYosysStat(text.str());
    s.criticalPathPs = parseYosysArrival(text.str());
    if (r.exitCode == 0 && !s.counts.cells.empty()) return;
    if (r.output.find("std::bad_alloc") != std::string::npos)
        s.problem = "Yosys ran out of memory"
            + (memoryLimitGb > 0 ? " (limit " + std::to_string(memoryLimitGb) + " GiB per process)" : std::string());
    else
        s.problem = "Yosys failed ("
            + (r.exitCode < 0 ? std::string("killed by a signal") : "exit " + std::to_string(r.exitCode))
            + "): " + lastLine(r.output.empty() ? text.str() : r.output);
}

} // namespace

bool SynthReport::allSynthesised() const
{
    for (const auto& l : layers)
        if (!l.synthesised()) return false;
    return true;
}

CellCounts parseYosysStat(const std::string& text)
{
    // The report of the last module ends the log; cells are "     LUT6    123" lines after "Number of cells".
    CellCounts counts;
    const size_t start = text.rfind("Number of cells:");
    if (start == std::string::npos) return counts;
    std::istringstream lines(text.substr(start));
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string cell;
        int64_t n = 0;
        if (!(fields >> cell >> n)) break;
        counts.cells[cell] += n;
        if (startsWith(cell, "LUT") || cell == "SB_LUT4" || cell == "INV") // Xilinx INV is a LUT1
            counts.lut += n;
        else if (startsWith(cell, "FD") || startsWith(cell, "SB_DFF"))
            counts.ff += n;
        else if (startsWith(cell, "CARRY") || cell == "SB_CARRY")
            counts.carry += n;
        else if (startsWith(cell, "MUXF"))
            counts.muxf += n;
    }
    return counts;
}

int64_t parseYosysArrival(const std::string& text)
{
    const size_t at = text.rfind("Latest arrival time in '");
    if (at == std::string::npos) return 0;
    const size_t is = text.find("' is ", at);
    return is == std::string::npos ? 0 : std::atoll(text.c_str() + is + 5);
}

SynthReport synthDesign(const std::filesystem::path& dir, const SynthOptions& options, Progress* progress)
{
    if (!std::filesystem::exists(dir / "manifest.json"))
        throw Error("no manifest.json in " + dir.string() + ": compile a model into this folder first");
    const nlohmann::json manifest = util::loadJsonFile(dir / "manifest.json", "design manifest");
    if (!findProgram("yosys"))
        throw Error("Yosys is not installed (no `yosys` on PATH). Install it, e.g. `sudo apt-get install yosys` on "
                    "Debian/Ubuntu, then run synth again.");

    SynthReport report;
    const int k = manifest.value("lutInputs", 6);
    report.flow = k == 4 ? "synth_ice40" : "synth_xilinx";
    for (const auto& layer : manifest.at("layers")) {
        LayerSynthesis s;
        s.name = layer.value("name", "");
        s.module = layer.at("module").get<std::string>();
        bool wanted = options.layers.empty();
        for (const auto& w : options.layers)
            wanted = wanted || w == s.module || w == s.name;
        if (!wanted) continue;
        const auto& r = layer.at("resources");
        s.estimateLut = r.value("lut", int64_t(0));
        s.estimateFf = r.value("ff", int64_t(0));
        s.estimateCarry = r.value("carry", int64_t(0));
        report.layers.push_back(std::move(s));
    }
    if (report.layers.empty()) throw Error("no layer of " + dir.string() + " matches the requested names");

    for (auto& s : report.layers)
        if (options.maxEstimateLut > 0 && s.estimateLut > options.maxEstimateLut) {
            s.skipped = true;
            s.problem = "not synthesised: estimate " + std::to_string(s.estimateLut) + " LUT is above the limit of "
                + std::to_string(options.maxEstimateLut);
        }

    const auto workDir = std::filesystem::absolute(options.workDir.empty() ? dir / "yosys" : options.workDir);
    std::filesystem::create_directories(workDir);
    Progress none;
    Progress& tracker = progress ? *progress : none;
    util::parallelBlocks(int64_t(report.layers.size()), 1, std::max(1, options.jobs), tracker, "synthesising",
        [&](int, int64_t i, int64_t) {
            LayerSynthesis& s = report.layers[size_t(i)];
            if (!s.skipped) synthesiseLayer(s, dir, workDir, report.flow, options.memoryLimitGb, progress);
        });
    return report;
}

} // namespace luthier::verify
