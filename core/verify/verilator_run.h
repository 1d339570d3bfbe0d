#pragma once
// Bit-exact verification of a compiled design folder (DESIGN.md section 7): generates a C++ harness
// (VerilatedContext; VlWide for ports wider than 64 bits; raw outputs sign-extended), builds it with
// `verilator --cc --exe --build`, streams DIR/vectors.txt (packed once into the build folder's vectors.bin)
// through the top and compares every output, in one harness process or in shards running side by side.

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
    // Harness processes the vectors are split across (contiguous ranges, each from reset); the report merges them.
    int shards = 1;
    // The per-clock code compiles at -O1 up to kUnoptimisedVectorLimit vectors and at -O2 beyond that (or with
    // optimiseSimulation); the run-once code (constructors, the constant pool: about half the C++) always at
    // -O0. docs/compiler.md ("Verification speed") has the measurements behind the levels.
    bool optimiseSimulation = false;
    // Address-space limit in bytes of the harness build (Verilator, make and every compiler they start) and of
    // each harness process (0: none): a design too large for the machine fails with a message instead of
    // taking all memory (a 16-bit-activation JSC grew Verilator past 14 GB).
    uint64_t memoryLimitBytes = 0;
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
    double simulationSeconds = 0, buildSeconds = 0; // wall clock (shards: the slowest one)
    double simulationCpuSeconds = 0; // CPU time of the simulation loops, summed over shards
    double buildCpuSeconds = 0; // CPU time of Verilator, make and the compilers
    int64_t buildPeakRssBytes = 0, simulationPeakRssBytes = 0; // largest process (a compiler, a harness)
    std::string top;

    bool ok() const { return vectors > 0 && failed == 0; }
    double cyclesPerInference() const { return vectors ? double(cycles) / double(vectors) : 0.0; }
    double vectorsPerSecond() const { return simulationSeconds > 0 ? double(vectors) / simulationSeconds : 0.0; }
    // Per core: what one harness simulates in a second of CPU time, whatever else the machine runs.
    double cyclesPerCpuSecond() const { return simulationCpuSeconds > 0 ? double(cycles) / simulationCpuSeconds : 0.0; }
};

// The harness source for a top module with the given port widths.
std::string harnessSource(
    const std::string& top, int inputBits, int inputCount, int outputBits, int outputCount, bool outputSigned);

// Throws luthier::Error when Verilator is missing (saying how to install it), when the folder is not a
// compiled design, or when the build fails (with the tail of the Verilator log).
VerifyReport verifyDesign(const std::filesystem::path& dir, const VerifyOptions& options, Progress* progress = nullptr);

} // namespace luthier::verify
