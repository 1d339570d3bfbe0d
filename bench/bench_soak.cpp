// Soak test (issue 12): many compile -> verify cycles of the JSC model (qkeras_jettagging) in one process,
// each with random per-layer bit-widths, as an hour-long sweep in the workbench would run them. Prints the
// resident set size at the start, after every 20 cycles and at the end, and how many cycles compiled and
// verified bit-exactly.
//
//   bench_soak [CYCLES=200] [VECTORS=100] [SEED=1] [MAX_GROWTH_KIB=4096]
//
// Each cycle: applyOverrides (random weight bits 2..6 on every Dense layer, random activation bits 2..6 on
// every layer that has an output quantiser) -> lowerToInteger -> TLMAC mapDesign -> Verilog -> golden-model
// vectors for the first VECTORS reference inputs -> Verilator. The Verilator build folder is reused, so only
// the design's own files are recompiled.
//
// Exit status 0 only when every cycle verified bit-exactly and RSS stayed flat: at the end at most
// MAX_GROWTH_KIB above its value after the warm-up (the first 20 cycles, or half of a shorter run), which
// takes in the first cycles' one-time allocations (allocator arenas, the importer's and Verilator's caches
// in this process). 4 MiB over the 180 cycles after the warm-up is about 23 KiB a cycle: leaking the emitted
// design (about 750 KB of Verilog for JSC) each cycle fails it at once; a leak of a few KiB a cycle passes.

#include "arch/hw_design.h"
#include "ir/graph.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "rtl/golden_vectors.h"
#include "rtl/test_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "util/error.h"
#include "verify/verilator_run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

using namespace luthier;

namespace {

// VmRSS from /proc/self/status, in KiB: the current resident set, unlike getrusage's peak.
long residentKb()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            long kb = 0;
            status >> kb;
            return kb;
        }
        status.ignore(1 << 12, '\n');
    }
    return -1;
}

quant::Overrides randomOverrides(const ir::Graph& graph, std::mt19937_64& rng, std::string& summary)
{
    std::uniform_int_distribution<int> bits(2, 6);
    quant::Overrides overrides;
    summary.clear();
    for (const ir::Layer& layer : graph.layers) {
        quant::LayerOverride o;
        if (ir::hasWeights(layer.kind)) o.weightBits = bits(rng);
        if (layer.outputQuant()) o.activationBits = bits(rng);
        if (o.empty()) continue;
        summary += (summary.empty() ? "" : " ") + std::string("w")
            + (o.weightBits ? std::to_string(*o.weightBits) : "-") + "a"
            + (o.activationBits ? std::to_string(*o.activationBits) : "-");
        overrides[layer.name] = o;
    }
    return overrides;
}

} // namespace

int main(int argc, char** argv)
{
    const int cycles = argc > 1 ? std::stoi(argv[1]) : 200;
    const int64_t vectors = argc > 2 ? std::stoll(argv[2]) : 100;
    const uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
    const long maxGrowthKb = argc > 4 ? std::stol(argv[4]) : 4096;
    const int warmUp = std::min(20, cycles / 2);
    const std::string shared = LUTHIER_SHARED_DIR;
    const auto work = std::filesystem::temp_directory_path() / ("luthier_soak_" + std::to_string(getpid()));
    const auto designDir = work / "design";

    const ir::Graph graph = importer::importModel(shared + "/models/qkeras_jettagging.onnx");
    const sim::Dataset inputs
        = sim::loadInputs(shared + "/models/reference/qkeras_jettagging.input.npy", graph.inputShape);
    std::mt19937_64 rng(seed);
    verify::VerifyOptions verifyOptions;
    verifyOptions.buildDir = work / "verilator";

    const long rssStart = residentKb();
    long rssWarm = rssStart;
    int compiled = 0, passed = 0, failed = 0, errors = 0;
    double seconds = 0;
    std::printf("soak: %d cycles of %s, %lld vectors each, seed %llu; RSS may grow at most %ld KiB after cycle %d\n",
        cycles, graph.name.c_str(), (long long)vectors, (unsigned long long)seed, maxGrowthKb, warmUp);
    std::printf("RSS at start: %ld KiB\n", rssStart);
    for (int cycle = 0; cycle < cycles; ++cycle) {
        const auto start = std::chrono::steady_clock::now();
        std::string bits;
        const quant::Overrides overrides = randomOverrides(graph, rng, bits);
        std::string outcome;
        try {
            const ir::Graph variant = quant::applyOverrides(graph, quant::expandOverrides(graph, overrides));
            const quant::IntGraph ints = quant::lowerToInteger(variant);
            arch::MapOptions mapOptions;
            mapOptions.tlmac.seed = seed + uint64_t(cycle);
            const arch::HwDesign design = arch::mapDesign(ints, mapOptions);
            std::filesystem::remove_all(designDir);
            rtl::writeFiles(designDir, rtl::emitDesign(design));
            rtl::writeVectors(designDir / rtl::kVectorsFile, rtl::goldenVectors(ints, design, inputs, vectors));
            ++compiled;
            const verify::VerifyReport report = verify::verifyDesign(designDir, verifyOptions);
            (report.ok() ? passed : failed) += 1;
            char line[96];
            std::snprintf(line, sizeof line, "%s %lld/%lld (Verilator build %.0f s)", report.ok() ? "PASS" : "FAIL",
                (long long)report.passed, (long long)report.vectors, report.buildSeconds);
            outcome = line;
        } catch (const Error& e) {
            ++errors;
            outcome = std::string("ERROR ") + e.what();
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        seconds += s;
        const long rss = residentKb();
        std::printf("cycle %3d  %-28s %-38s %6.1f s  RSS %ld KiB\n", cycle + 1, bits.c_str(), outcome.c_str(), s, rss);
        if (cycle + 1 == warmUp) rssWarm = rss;
        if ((cycle + 1) % 20 == 0)
            std::printf("RSS after %d cycles: %ld KiB (%d passed, %d failed, %d errors)\n", cycle + 1, rss, passed,
                failed, errors);
        std::fflush(stdout);
    }
    const long rssEnd = residentKb();
    std::filesystem::remove_all(work);
    const long growth = rssEnd - rssWarm;
    const bool flat = growth <= maxGrowthKb;
    std::printf("RSS start / after warm-up (cycle %d) / end: %ld / %ld / %ld KiB; growth after warm-up %+ld KiB "
                "(%+.1f KiB a cycle), bound %ld KiB: %s\n",
        warmUp, rssStart, rssWarm, rssEnd, growth, cycles > warmUp ? double(growth) / (cycles - warmUp) : 0.0,
        maxGrowthKb, flat ? "flat" : "GROWING");
    std::printf("cycles: %d, compiled: %d, passed (bit-exact): %d, failed: %d, errors: %d; mean %.1f s per cycle\n",
        cycles, compiled, passed, failed, errors, cycles ? seconds / cycles : 0.0);
    return passed == cycles && flat ? 0 : 1;
}
