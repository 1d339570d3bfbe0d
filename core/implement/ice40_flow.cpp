#include "implement/ice40_flow.h"

#include "export/design_manifest.h"
#include "implement/board_uart.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/log_tail.h"
#include "util/staged_folder.h"
#include "verify/process.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace luthier::implement {

namespace fs = std::filesystem;

namespace {

bool startsWith(const std::string& s, const char* prefix)
{
    return s.rfind(prefix, 0) == 0;
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void requireTools()
{
    for (const char* tool : { "yosys", "nextpnr-ice40", "icepack", "icetime" })
        if (!verify::findProgram(tool))
            throw Error(std::string("implement needs `") + tool
                + "` on PATH. On Debian/Ubuntu: `sudo apt-get install yosys nextpnr-ice40 fpga-icestorm "
                  "fpga-icestorm-chipdb` (scripts/deps.sh installs them).");
}

double since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs one tool of the flow in `work`; a non-zero exit becomes an Error with the end of its log.
std::string runTool(
    const std::vector<std::string>& argv, const fs::path& work, const std::string& logName, Progress* progress)
{
    const verify::ProcessResult r = verify::runProcess(argv, work, work / logName, progress);
    if (r.exitCode != 0)
        throw Error(argv[0] + " failed ("
            + (r.exitCode < 0 ? std::string("killed by a signal") : "exit " + std::to_string(r.exitCode))
            + "); the end of its log:\n" + util::logTail(r.output, 15));
    return r.output;
}

} // namespace

Ice40Cells ice40Cells(const verify::CellCounts& counts)
{
    Ice40Cells cells;
    for (const auto& [type, n] : counts.cells) {
        if (type == "SB_LUT4")
            cells.lut4 += n;
        else if (startsWith(type, "SB_DFF"))
            cells.ff += n;
        else if (type == "SB_CARRY")
            cells.carry += n;
        else if (startsWith(type, "SB_RAM40_4K"))
            cells.bram += n;
        else if (type == "SB_MAC16")
            cells.dsp += n;
    }
    return cells;
}

void checkFit(const Ice40Cells& cells, int64_t ioBits, const Ice40Part& part, const std::string& design)
{
    auto refuse = [&](const char* what, int64_t need, int64_t have, const std::string& hint) {
        throw Error(design + " does not fit the " + part.name + ": it needs " + std::to_string(need) + " " + what
            + " after synth_ice40, the part has " + std::to_string(have) + " (synthesised: "
            + std::to_string(cells.lut4) + " LUT4, " + std::to_string(cells.ff) + " FF, " + std::to_string(cells.bram)
            + " BRAM, " + std::to_string(cells.dsp) + " DSP, " + std::to_string(ioBits) + " I/O bits)" + hint);
    };
    const std::string smaller = "; compile it smaller (a folded template such as tlmac with a smaller --parallel, or "
                                "fewer bits) or pick a larger part";
    if (cells.lut4 > part.logicCells) refuse("LUT4s", cells.lut4, part.logicCells, smaller);
    if (cells.ff > part.logicCells) refuse("flip-flops", cells.ff, part.logicCells, smaller);
    if (cells.bram > part.bram) refuse("block RAMs (SB_RAM40_4K)", cells.bram, part.bram, smaller);
    if (cells.dsp > part.dsp) refuse("DSPs (SB_MAC16)", cells.dsp, part.dsp, smaller);
    if (ioBits > part.ioPins)
        refuse("I/O pins for its top-level ports", ioBits, part.ioPins,
            " in the " + part.package + " package; implement the design behind the UART board top instead");
}

double ImplementReport::fmaxMhz() const
{
    double slowest = 0;
    for (const ClockFmax& c : routed.clocks)
        if (slowest == 0 || c.achievedMhz < slowest) slowest = c.achievedMhz;
    return slowest;
}

double parseIcetimeDelay(const std::string& text)
{
    const size_t at = text.rfind("Total path delay: ");
    return at == std::string::npos ? 0.0 : std::atof(text.c_str() + at + 18);
}

ImplementReport implementDesign(const fs::path& dir, const ImplementOptions& options, Progress* progress)
{
    const Ice40Part& part = ice40Part(options.part);
    util::checkFolder(dir); // refuses a folder whose files do not match its completion record
    const exporter::DesignManifest design = exporter::loadDesignManifest(dir);
    requireTools();
    if (!(options.clockMhz > 0)) throw Error("--clock: the clock must be a positive frequency in MHz");
    if (!options.pcf.empty() && !fs::is_regular_file(options.pcf))
        throw Error("--pcf: " + options.pcf.string() + " is not a file");
    Progress none;
    Progress& tracker = progress ? *progress : none;

    ImplementReport report;
    report.part = part.name;
    report.package = part.package;
    report.top = design.top;
    report.clockMhz = options.clockMhz;
    report.seed = options.seed;
    for (const exporter::PortInfo& port : design.ports)
        report.ioBits += port.width;
    BoardShape shape;
    int64_t clksPerBit = 0;
    if (options.uartBoard) {
        shape = loadBoardShape(dir);
        clksPerBit = options.baud > 0 ? int64_t(std::llround(options.clockMhz * 1e6 / double(options.baud))) : 0;
        if (clksPerBit < 4 || clksPerBit >= 65536)
            throw Error("--baud " + std::to_string(options.baud) + " at a " + std::to_string(options.clockMhz)
                + " MHz clock is " + std::to_string(clksPerBit) + " cycles a bit; the UART shell needs 4 to 65535");
        report.top = kBoardTop;
        report.baud = options.baud;
        report.ioBits = 3; // clk, uart_rx, uart_tx
    }

    const fs::path out = fs::absolute(options.outDir.empty() ? dir / ("implement-" + part.name) : options.outDir);
    util::StagedFolder folder(out);
    const fs::path work = folder.path();

    // Yosys takes file names unquoted: copies under plain names keep a path with spaces from splitting the script.
    fs::create_directories(work / "rtl");
    std::string reads;
    for (const fs::path& file : design.files) {
        if (file.extension() != ".v" && file.extension() != ".sv") continue;
        const fs::path local = fs::path("rtl") / file.filename();
        fs::copy_file(dir / file, work / local, fs::copy_options::overwrite_existing);
        reads += " " + local.generic_string();
    }
    if (options.uartBoard) {
        util::writeFileAtomic(work / "rtl" / (std::string(kBoardTop) + ".v"), uartBoardTopVerilog(shape, clksPerBit));
        reads += " rtl/" + std::string(kBoardTop) + ".v";
    }
    const std::string script
        = "read_verilog" + reads + "\nsynth_ice40 -top " + report.top + " -json netlist.json\nstat\n";
    util::writeFileAtomic(work / "synth.ys", script);

    tracker.report(0.0, "synth_ice40");
    auto start = std::chrono::steady_clock::now();
    const std::string yosysLog = runTool({ "yosys", "-s", "synth.ys" }, work, "yosys.log", progress);
    report.synthSeconds = since(start);
    report.cells = ice40Cells(verify::parseYosysStat(yosysLog));
    checkFit(report.cells, report.ioBits, part, dir.filename().string());

    tracker.report(0.3, "nextpnr-ice40: place and route");
    const std::string asc = report.top + ".asc", bin = report.top + ".bin";
    char freq[32];
    std::snprintf(freq, sizeof freq, "%g", options.clockMhz);
    std::vector<std::string> pnr { "nextpnr-ice40", part.nextpnrDevice, "--package", part.package, "--json",
        "netlist.json", "--asc", asc, "--report", "nextpnr-report.json", "--freq", freq, "--seed",
        std::to_string(options.seed), "--timing-allow-fail" };
    const bool pins = !options.pcf.empty() || options.uartBoard;
    if (!options.pcf.empty())
        fs::copy_file(options.pcf, work / "pins.pcf", fs::copy_options::overwrite_existing);
    else if (options.uartBoard)
        util::writeFileAtomic(work / "pins.pcf", boardPins(part.name));
    if (pins) pnr.insert(pnr.end(), { "--pcf", "pins.pcf" });
    start = std::chrono::steady_clock::now();
    runTool(pnr, work, "nextpnr.log", progress);
    report.placeRouteSeconds = since(start);
    report.routed = parseNextpnrReport(readText(work / "nextpnr-report.json"), (out / "nextpnr-report.json").string());

    tracker.report(0.85, "icepack");
    runTool({ "icepack", asc, bin }, work, "icepack.log", progress);
    tracker.report(0.9, "icetime");
    std::vector<std::string> timing { "icetime", "-d", part.icetimeDevice, "-P", part.package, "-i", "-t" };
    if (pins) timing.insert(timing.end(), { "-p", "pins.pcf" });
    timing.push_back(asc);
    report.icetimeNs = parseIcetimeDelay(runTool(timing, work, "icetime.log", progress));

    report.folder = out;
    report.bitstream = out / bin;
    util::writeFileAtomic(work / "report.json", util::dumpJson(reportJson(report), 2) + "\n");
    tracker.checkpoint();
    folder.commit();
    tracker.report(1.0, "implemented");
    return report;
}

nlohmann::json reportJson(const ImplementReport& r)
{
    nlohmann::json clocks = nlohmann::json::array();
    for (const ClockFmax& c : r.routed.clocks)
        clocks.push_back({ { "clock", c.clock }, { "fmaxMhz", c.achievedMhz }, { "constraintMhz", c.constraintMhz },
            { "met", c.met() } });
    nlohmann::json paths = nlohmann::json::array();
    for (const CriticalPath& p : r.routed.paths)
        paths.push_back({ { "from", p.from }, { "to", p.to }, { "startCell", p.startCell }, { "endCell", p.endCell },
            { "delayNs", p.delayNs }, { "routingNs", p.routingNs }, { "logicLevels", p.logicLevels } });
    nlohmann::json bels = nlohmann::json::object();
    for (const auto& [type, u] : r.routed.bels)
        bels[type] = { { "used", u.used }, { "available", u.available } };
    return {
        { "format", "luthier-implement" },
        { "version", 1 },
        { "part", r.part },
        { "package", r.package },
        { "top", r.top },
        { "uartBaud", r.baud },
        { "clockMhz", r.clockMhz },
        { "seed", r.seed },
        { "fmaxMhz", r.fmaxMhz() },
        { "synthesis",
            { { "lut4", r.cells.lut4 }, { "ff", r.cells.ff }, { "carry", r.cells.carry }, { "bram", r.cells.bram },
                { "dsp", r.cells.dsp }, { "ioBits", r.ioBits } } },
        { "clocks", clocks },
        { "criticalPaths", paths },
        { "utilization", bels },
        { "icetimeNs", r.icetimeNs },
        { "bitstream", r.bitstream.filename().string() },
        { "seconds", { { "synthesis", r.synthSeconds }, { "placeAndRoute", r.placeRouteSeconds } } },
    };
}

} // namespace luthier::implement
