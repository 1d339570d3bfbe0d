#include "verify/yosys_run.h"

#include "util/error.h"
#include "verify/process.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace luthier::verify {

namespace {

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

} // namespace

CellCounts parseYosysStat(const std::string& text)
{
    // The report of the last module ends the log; cells are "     LUT6    123" lines after "Number of cells".
    CellCounts counts;
    const size_t start = text.rfind("Number of cells:");
    if (start == std::string::npos)
        return counts;
    std::istringstream lines(text.substr(start));
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string cell;
        int64_t n = 0;
        if (!(fields >> cell >> n))
            break;
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

SynthReport synthDesign(const std::filesystem::path& dir, const SynthOptions& options, Progress* progress)
{
    std::ifstream file(dir / "manifest.json");
    if (!file)
        throw Error("no manifest.json in " + dir.string() + ": compile a model into this folder first");
    nlohmann::json manifest;
    try {
        manifest = nlohmann::json::parse(file);
    } catch (const nlohmann::json::exception& e) {
        throw Error((dir / "manifest.json").string() + ": " + e.what());
    }
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
        if (!wanted)
            continue;
        const auto& r = layer.at("resources");
        s.estimateLut = r.value("lut", int64_t(0));
        s.estimateFf = r.value("ff", int64_t(0));
        s.estimateCarry = r.value("carry", int64_t(0));
        report.layers.push_back(std::move(s));
    }
    if (report.layers.empty())
        throw Error("no layer of " + dir.string() + " matches the requested names");

    const auto workDir = std::filesystem::absolute(options.workDir.empty() ? dir / "yosys" : options.workDir);
    std::filesystem::create_directories(workDir);
    std::atomic<size_t> next { 0 };
    std::atomic<size_t> done { 0 };
    std::mutex mutex;
    std::string failure;
    auto worker = [&] {
        for (size_t i = next++; i < report.layers.size(); i = next++) {
            LayerSynthesis& s = report.layers[i];
            const auto source = std::filesystem::absolute(dir / (s.module + ".v"));
            // Yosys commands take file names unquoted; copy the source to a plain name in the work folder so
            // paths with spaces cannot split the script.
            const auto local = workDir / (s.module + ".v");
            std::error_code ec;
            std::filesystem::copy_file(source, local, std::filesystem::copy_options::overwrite_existing, ec);
            if (ec) {
                std::lock_guard lock(mutex);
                failure = "cannot copy " + source.string() + ": " + ec.message();
                return;
            }
            const std::string script = "read_verilog " + s.module + ".v; " + report.flow + " -top " + s.module
                + (report.flow == "synth_xilinx" ? " -flatten -noiopad" : "") + "; stat";
            const auto start = std::chrono::steady_clock::now();
            ProcessResult r;
            try {
                r = runProcess({ "yosys", "-q", "-p", script, "-l", s.module + ".log" }, workDir,
                    workDir / (s.module + ".out"), progress);
            } catch (const std::exception& e) {
                std::lock_guard lock(mutex);
                failure = e.what();
                return;
            }
            s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::ifstream log(workDir / (s.module + ".log"));
            std::ostringstream text;
            text << log.rdbuf();
            s.counts = parseYosysStat(text.str());
            if (r.exitCode != 0 || s.counts.cells.empty()) {
                std::lock_guard lock(mutex);
                failure = "Yosys failed on " + s.module + " (exit " + std::to_string(r.exitCode) + "), see "
                    + (workDir / (s.module + ".log")).string() + "\n" + r.output.substr(0, 2000);
                return;
            }
            if (progress)
                progress->report(double(++done) / double(report.layers.size()), "synthesised " + s.module);
        }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < std::max(1, options.jobs); ++t)
        threads.emplace_back(worker);
    for (auto& t : threads)
        t.join();
    if (progress && progress->cancelled())
        throw Cancelled();
    if (!failure.empty())
        throw Error(failure);
    return report;
}

} // namespace luthier::verify
