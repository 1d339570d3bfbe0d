#pragma once
// Real synthesis of a compiled design's layers with Yosys (synth_xilinx, or synth_ice40 for K = 4 designs),
// cell counts parsed from `stat`, reported beside the compiler's estimate. Layers are synthesised one
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

struct LayerSynthesis {
    std::string name, module;
    int64_t estimateLut = 0, estimateFf = 0, estimateCarry = 0;
    CellCounts counts;
    double seconds = 0;

    double lutErrorPercent() const
    {
        return counts.lut ? 100.0 * double(estimateLut - counts.lut) / double(counts.lut) : 0.0;
    }
};

struct SynthOptions {
    std::vector<std::string> layers; // module or raw layer names; empty: all layers
    int jobs = 2;
    std::filesystem::path workDir; // empty: DIR/yosys
};

struct SynthReport {
    std::string flow; // "synth_xilinx" / "synth_ice40"
    std::vector<LayerSynthesis> layers;
};

// Throws luthier::Error when Yosys is missing (saying how to install it), a requested layer does not
// exist, or Yosys fails (with the tail of its log).
SynthReport synthDesign(const std::filesystem::path& dir, const SynthOptions& options, Progress* progress = nullptr);

} // namespace luthier::verify
