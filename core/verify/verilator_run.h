#pragma once
// Bit-exact verification of a compiled design folder (DESIGN.md section 7): generates a C++ harness
// (VerilatedContext; VlWide for ports wider than 64 bits; raw outputs sign-extended), builds it with
// `verilator --cc --exe --build`, streams DIR/vectors.txt through the top and compares every output.

#include "util/progress.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace luthier::verify {

struct VerifyOptions {
    int64_t maxVectors = -1; // < 0: all vectors in the folder
    int maxMismatches = 10; // mismatches listed in the report (all are counted)
    std::filesystem::path buildDir; // empty: DIR/verilator
    int jobs = 2; // compiler jobs for the harness build
    // The generated C++ compiles 2-3 times faster unoptimised, and simulates 4-6 times slower: JSC's
    // harness builds in ~18 s of CPU instead of ~48 s and runs 1,000 vectors in 2.9 s instead of 0.5 s; TFC
    // runs 14 vectors/s instead of 66. So up to kUnoptimisedVectorLimit vectors the harness is compiled
    // at -O0, beyond that (or with optimiseSimulation) at Verilator's default -Os.
    bool optimiseSimulation = false;
};

inline constexpr int64_t kUnoptimisedVectorLimit = 1000;

struct Mismatch {
    int64_t sample = 0, output = 0;
    int64_t expected = 0, got = 0;
};

struct VerifyReport {
    int64_t vectors = 0, passed = 0, failed = 0;
    std::vector<uint8_t> vectorPassed; // per vector
    std::vector<Mismatch> mismatches; // the first maxMismatches
    int64_t cycles = 0; // simulated clock cycles for all vectors (streamed back to back)
    int64_t latencyCycles = 0; // first input accepted -> first output valid
    double simulationSeconds = 0, buildSeconds = 0;
    std::string top;

    bool ok() const { return vectors > 0 && failed == 0; }
    double cyclesPerInference() const { return vectors ? double(cycles) / double(vectors) : 0.0; }
    double vectorsPerSecond() const { return simulationSeconds > 0 ? double(vectors) / simulationSeconds : 0.0; }
};

// The harness source for a top module with the given port widths.
std::string harnessSource(const std::string& top, int inputBits, int inputCount, int outputBits, int outputCount,
    bool outputSigned);

// Throws luthier::Error when Verilator is missing (saying how to install it), when the folder is not a
// compiled design, or when the build fails (with the tail of the Verilator log).
VerifyReport verifyDesign(const std::filesystem::path& dir, const VerifyOptions& options, Progress* progress = nullptr);

} // namespace luthier::verify
