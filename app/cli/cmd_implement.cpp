// luthier-cli implement DIR --part ice40up5k|ice40hx8k [--clock MHz] [--seed N] [--pcf FILE] [--json FILE]:
// place and route a compiled design on an iCE40 with yosys synth_ice40, nextpnr-ice40, icepack and icetime, and
// print the routed Fmax, the critical path and the utilisation. The bitstream, logs and report.json land in
// DIR/implement-<part>. A design that does not fit the part is refused before nextpnr runs (exit status 2).

#include "commands.h"
#include "console.h"
#include "implement/ice40_flow.h"
#include "interrupt.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::cli {

void addImplementCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string dir, json, pcf, out;
        implement::ImplementOptions flow;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand(
        "implement", "Place and route a compiled design on an iCE40 (yosys, nextpnr-ice40, icepack, icetime)");
    cmd->add_option("dir", o->dir, "Design folder written by `luthier-cli compile` (best with --lut-inputs 4)")
        ->required();
    cmd->add_option("--part", o->flow.part, "ice40up5k (iCEBreaker, SG48) or ice40hx8k (HX8K breakout, CT256)")
        ->required();
    cmd->add_option("--clock", o->flow.clockMhz, "Clock constraint for nextpnr in MHz")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    // nextpnr reads its seed as an int.
    cmd->add_option("--seed", o->flow.seed, "nextpnr placer seed")
        ->check(CLI::Range(uint64_t(0), uint64_t(std::numeric_limits<int>::max())))
        ->capture_default_str();
    cmd->add_option("--pcf", o->pcf, "Pin constraints (default: nextpnr places the I/O itself)");
    cmd->add_option("-o,--output", o->out, "Folder to write (default: DIR/implement-<part>)");
    cmd->add_flag("--uart-board", o->flow.uartBoard,
        "Implement the network behind the UART board top (clk, uart_rx, uart_tx on the board's pins)");
    cmd->add_option("--baud", o->flow.baud, "Baud rate of the UART board top")->capture_default_str();
    cmd->add_option("--json", o->json, "Also write the report as JSON to this file");
    cmd->callback([o] {
        o->flow.pcf = o->pcf;
        o->flow.outDir = o->out;
        InterruptibleProgress progress; // Ctrl-C stops the running tool
        const implement::ImplementReport r = implement::implementDesign(o->dir, o->flow, &progress);
        report("%s on %s (%s), nextpnr seed %llu, clock constraint %g MHz\n", r.top.c_str(), r.part.c_str(),
            r.package.c_str(), (unsigned long long)r.seed, r.clockMhz);
        if (r.baud) report("behind the UART board top at %lld baud (protocol: docs/implement.md)\n", (long long)r.baud);
        report("synth_ice40: %lld LUT4, %lld FF, %lld carry, %lld BRAM, %lld DSP, %lld I/O bits (%.1f s)\n",
            (long long)r.cells.lut4, (long long)r.cells.ff, (long long)r.cells.carry, (long long)r.cells.bram,
            (long long)r.cells.dsp, (long long)r.ioBits, r.synthSeconds);
        report("placed and routed in %.1f s; utilisation:\n", r.placeRouteSeconds);
        for (const auto& [label, bel] : std::initializer_list<std::pair<const char*, const char*>> {
                 { "logic cells (LUT4+FF)", "ICESTORM_LC" }, { "block RAM", "ICESTORM_RAM" }, { "DSP", "ICESTORM_DSP" },
                 { "I/O pins", "SB_IO" }, { "global buffers", "SB_GB" } }) {
            implement::Usage u = r.routed.bel(bel);
            // nextpnr counts the I/O cells of the die; the package bonds out fewer.
            if (std::string(bel) == "SB_IO") u.available = implement::ice40Part(r.part).ioPins;
            if (u.available == 0) continue;
            report("  %-22s %6lld / %-6lld %5.1f %%\n", label, (long long)u.used, (long long)u.available,
                100.0 * double(u.used) / double(u.available));
        }
        for (const implement::ClockFmax& c : r.routed.clocks)
            report("routed Fmax %s: %.2f MHz (%s at %g MHz)\n", c.clock.c_str(), c.achievedMhz,
                c.met() ? "meets" : "FAILS", c.constraintMhz);
        if (r.routed.clocks.empty()) report("routed Fmax: no clocked path (a purely combinational design)\n");
        if (const implement::CriticalPath* p = r.routed.worstPath())
            report("critical path %s -> %s: %.2f ns (%.2f ns routing, %d logic levels), %s -> %s\n", p->from.c_str(),
                p->to.c_str(), p->delayNs, p->routingNs, p->logicLevels, p->startCell.c_str(), p->endCell.c_str());
        if (r.icetimeNs > 0)
            report(
                "icetime cross-check (register to register): %.2f ns (%.2f MHz)\n", r.icetimeNs, 1000.0 / r.icetimeNs);
        report("bitstream %s\n", r.bitstream.string().c_str());
        if (!o->json.empty()) util::writeFileAtomic(o->json, util::dumpJson(implement::reportJson(r), 2) + "\n");
        util::flushStdout();
    });
}

} // namespace luthier::cli
