#pragma once
// Place and route of a compiled design on an iCE40 with the open flow Debian ships:
//   yosys synth_ice40 -json  ->  fit check  ->  nextpnr-ice40 (--report)  ->  icepack  ->  icetime
// The fit check refuses a design whose synthesised LUT4s, flip-flops, block RAMs, DSPs or top-level I/O bits do
// not fit the part, before nextpnr spends minutes failing on it. Everything the flow writes (netlist, logs,
// nextpnr's report, the .asc and the .bin bitstream, report.json) lands in one folder that is replaced as a
// whole (util::StagedFolder): DIR/implement-<part> unless ImplementOptions::outDir says otherwise.

#include "implement/ice40_parts.h"
#include "implement/nextpnr_report.h"
#include "util/progress.h"
#include "verify/yosys_run.h"

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace luthier::implement {

struct ImplementOptions {
    std::string part = "ice40up5k";
    // The clock constraint nextpnr places and routes for; 12 MHz is the oscillator of the iCEBreaker and of the
    // HX8K breakout board. The routed Fmax is reported whether or not it meets this.
    double clockMhz = 12.0;
    uint64_t seed = 1;
    std::filesystem::path pcf; // pin constraints; empty: nextpnr places the I/O itself
    std::filesystem::path outDir; // empty: DIR/implement-<part>
    // Implement the network behind the UART board top (board_uart.h) instead of its bare top: three pins, placed
    // on the board's clock and serial pins unless `pcf` says otherwise. `clockMhz` is then also the frequency the
    // shell divides into `baud`.
    bool uartBoard = false;
    int64_t baud = 115200;
};

// What synth_ice40 made of the design: the counts the fit check compares with the part.
struct Ice40Cells {
    int64_t lut4 = 0, ff = 0, carry = 0, bram = 0, dsp = 0;
};
Ice40Cells ice40Cells(const verify::CellCounts& counts);

// Throws luthier::Error when `cells` or `ioBits` exceed `part`, naming the design's count beside the part's.
void checkFit(const Ice40Cells& cells, int64_t ioBits, const Ice40Part& part, const std::string& design);

struct ImplementReport {
    std::string part, package, top; // top: the implemented top module (luthier_uart_top behind the UART)
    double clockMhz = 0;
    uint64_t seed = 0;
    int64_t baud = 0; // behind the UART board top; 0: the bare network
    Ice40Cells cells; // after synth_ice40
    int64_t ioBits = 0;
    NextpnrReport routed;
    // icetime's topological analysis of the routed .asc, register to register (its -i): the cross-check of
    // nextpnr's figure with icestorm's own timing database. 0 when icetime found no such path.
    double icetimeNs = 0;
    std::filesystem::path folder, bitstream;
    double synthSeconds = 0, placeRouteSeconds = 0;

    // The slowest clock's routed Fmax, 0 when the design has no clock nextpnr timed.
    double fmaxMhz() const;
};

// Runs the flow on the design folder DIR (written by `luthier-cli compile`). Throws luthier::Error when a tool
// is missing (saying how to install it), the folder is not a compiled design, the design does not fit, or a tool
// fails (with the tail of its log); Cancelled when `progress` is cancelled. DIR's old implement folder is kept
// on any failure.
ImplementReport implementDesign(
    const std::filesystem::path& dir, const ImplementOptions& options, Progress* progress = nullptr);

nlohmann::json reportJson(const ImplementReport& report);

// The "Total path delay: 18.73 ns (53.38 MHz)" of an icetime report, in ns; 0 when the text has none.
double parseIcetimeDelay(const std::string& text);

} // namespace luthier::implement
