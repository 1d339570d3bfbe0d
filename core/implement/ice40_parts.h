#pragma once
// The iCE40 parts `implement` targets, with the capacities its fit check compares a synthesised design against.
// Each part is the die on the usual board in the package that board carries: the UP5K of the iCEBreaker (SG48)
// and the HX8K of the HX8K breakout board (CT256). Figures from Lattice's data sheets (FPGA-DS-02008 iCE40
// UltraPlus, DS1040 iCE40 LP/HX); the logic cells, block RAMs and DSPs are what nextpnr's report lists as
// available on each die (tests/core/test_implement.cpp checks that).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::implement {

struct Ice40Part {
    std::string name; // "ice40up5k"
    std::string nextpnrDevice; // "--up5k"
    std::string package; // "sg48", as nextpnr's --package and icetime's -P take it
    std::string icetimeDevice; // "up5k", icetime's -d
    int64_t logicCells = 0; // one LUT4 and one flip-flop each
    int64_t bram = 0; // 4 Kbit SB_RAM40_4K blocks
    int64_t dsp = 0; // SB_MAC16
    int64_t ioPins = 0; // user I/O pins of the package
};

// "ice40up5k" / "up5k" or "ice40hx8k" / "hx8k" (case-insensitive). Throws luthier::Error naming the known parts.
const Ice40Part& ice40Part(std::string_view name);
std::vector<std::string> ice40PartNames();

} // namespace luthier::implement
