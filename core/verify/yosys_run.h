#pragma once
// Real synthesis of a compiled design's layers with Yosys (synth_xilinx, or synth_ice40 for K = 4 designs),
// cell counts parsed from `stat`, reported beside the compiler's estimate, and (synth_xilinx) the critical path
// of the synthesised cells from `sta`. Layers are synthesised one
// module at a time (a 400-LUT layer takes Yosys 0.23 tens of seconds) in parallel child processes.

#include "util/progress.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace luthier::verify {

struct CellCounts {
    int64_t lut = 0, ff = 0, carry = 0, muxf = 0;
    std::map<std::string, int64_t> cells; // every cell type `stat` listed
};

// Parses the cell list of a Yosys `stat` report (the last one in the text).
CellCounts parseYosysStat(const std::string& text);
// The "Latest arrival time in 'M' is N" of a Yosys `sta` report, in ps; 0 when the text has none.
int64_t parseYosysArrival(const std::string& text);

struct LayerSynthesis {
    std::string name, module;
    int64_t estimateLut = 0, estimateFf = 0, estimateCarry = 0;
    CellCounts counts;
    // Yosys `sta` on the synthesised netlist with the cell delays of its Xilinx models (Artix-7 figures from
    // Project X-Ray): the slowest register-to-register or port path in ps, cell delays and setup only, no routing.
    // So 1/criticalPathPs bounds Fmax from above; a placed and routed design is slower. 0 for synth_ice40.
    int64_t criticalPathPs = 0;
    double seconds = 0;
    // Why there are no counts, empty when Yosys synthesised the layer: it was skipped (estimate above
    // SynthOptions::maxEstimateLut) or Yosys failed.
    std::string problem;
    bool skipped = false;
    std::filesystem::path log; // Yosys' log of the layer, once it ran

    bool synthesised() const { return problem.empty(); }

    double lutErrorPercent() const
    {
        return counts.lut ? 100.0 * double(estimateLut - counts.lut) / double(counts.lut) : 0.0;
    }
};

struct SynthOptions {
    std::vector<std::string> layers; // module or raw layer names; empty: all layers
    int jobs = 2;
    std::filesystem::path workDir; // empty: DIR/yosys
    // Layers estimated above this many LUTs are skipped (Yosys time and memory grow with the layer); 0: none.
    int64_t maxEstimateLut = 0;
    // Address-space limit of each Yosys process in GiB, so that one layer cannot take the machine; 0: none.
    int memoryLimitGb = 0;
};

struct SynthReport {
    std::string flow; // "synth_xilinx" / "synth_ice40"
    std::vector<LayerSynthesis> layers;

    bool allSynthesised() const;
};

// Synthesises every requested layer; a layer Yosys fails on (out of memory, a crash) is reported in its
// LayerSynthesis::problem and the others still run. Throws luthier::Error when Yosys is missing (saying how to
// install it), the design folder has no manifest, or a requested layer does not exist; Cancelled when
// `progress` is cancelled.
SynthReport synthDesign(const std::filesystem::path& dir, const SynthOptions& options, Progress* progress = nullptr);

} // namespace luthier::verify
