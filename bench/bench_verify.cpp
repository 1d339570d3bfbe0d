// Verification speed (issue 23): compiles four designs and verifies each with Verilator, printing per design
// the harness build time (wall clock and CPU), simulated cycles per second (per core: cycles over the harness's
// CPU time), vectors per second (wall clock, all shards), the whole verify's wall time, and the peak RSS of
// the build (its largest process) and of the simulation.
// Usage: bench_verify [--jobs N] [--vectors N] [--only NAME]
//   qkeras_jettagging tlmac (as verify builds it for 1,000 vectors, and with --optimise-simulation) and lut-na
//   on its 1,000 reference inputs, and two MLPs with random weights on
//   random inputs: 3-bit 490-256-256-256-12 with per-channel weight scales, 2-bit 600-64-64-64-1 (tlmac).
// Targets: JSC tlmac >= 1,000,000 cycles/s per core, JSC lut-na >= 100,000 vectors/s per core, and the
// 490-256-256-256-12 MLP's 500 vectors in under 60 s including the build on 2 cores, peak RSS under 2 GB.

#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "verify/verilator_run.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

using namespace luthier;

namespace {

ir::PointwiseOp uintQuant(int bits, double scale)
{
    ir::PointwiseOp q;
    q.kind = ir::PointwiseKind::Quant;
    q.quant.bits = bits;
    q.quant.isSigned = false;
    q.quant.scale = { scale };
    return q;
}

// Input(widths[0], unsigned `bits`) -> Dense layers with random `bits`-bit weights (one scale per output
// channel) and unsigned `bits`-bit activations; the last layer outputs raw accumulators.
ir::Graph randomMlp(const std::string& name, const std::vector<int64_t>& widths, int bits, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    ir::Graph g;
    g.name = name;
    ir::Layer input;
    input.name = "x";
    input.kind = ir::LayerKind::Input;
    input.outShape = { widths[0] };
    input.epilogue.push_back(uintQuant(bits, 1.0 / double((1 << bits) - 1)));
    g.layers.push_back(input);
    for (size_t l = 1; l < widths.size(); ++l) {
        ir::Layer dense;
        dense.name = "fc" + std::to_string(l);
        dense.kind = ir::LayerKind::Dense;
        dense.inputs = { int(l - 1) };
        dense.outShape = { widths[l] };
        dense.weight.shape = { widths[l], widths[l - 1] };
        const double maxWeight = double((1 << (bits - 1)) - 1);
        auto scaleOf = [](int64_t o) { return 1.0 + 0.25 * double(o % 4); }; // per output channel
        for (int64_t i = 0; i < widths[l] * widths[l - 1]; ++i) // on the grid: integer codes times the scale
            dense.weight.data.push_back(float(std::round(uniform(rng) * maxWeight) * scaleOf(i / widths[l - 1])));
        dense.weightQuant.bits = bits;
        dense.weightQuant.scale.clear();
        for (int64_t o = 0; o < widths[l]; ++o)
            dense.weightQuant.scale.push_back(scaleOf(o));
        dense.weightQuant.axis = 0;
        if (l + 1 < widths.size()) // the activation range grows with the fan-in: keep codes spread
            dense.epilogue.push_back(uintQuant(bits, std::sqrt(double(widths[l - 1])) * 0.5));
        g.layers.push_back(dense);
    }
    g.outputs = { int(widths.size() - 1) };
    return g;
}

sim::Dataset randomInputs(const ir::Graph& g, int64_t count, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    sim::Dataset d { g.layers[0].outShape, count, {} };
    d.data.resize(size_t(count * d.sampleSize()));
    for (double& x : d.data)
        x = uniform(rng);
    return d;
}

struct Case {
    std::string name;
    ir::Graph graph;
    sim::Dataset inputs;
    arch::MapOptions map;
    bool optimise = false; // verify --optimise-simulation: the per-clock code at -O2 instead of -O1
};

void run(const Case& c, const std::filesystem::path& root, int jobs, int64_t vectors)
{
    const auto t0 = std::chrono::steady_clock::now();
    const quant::IntGraph ints = quant::lowerToInteger(c.graph);
    const arch::HwDesign design = arch::mapDesign(ints, c.map);
    const auto dir = root / c.name;
    std::filesystem::remove_all(dir);
    rtl::writeFiles(dir, rtl::emitDesign(design));
    rtl::writeVectors(dir / rtl::kVectorsFile, rtl::goldenVectors(ints, design, c.inputs, vectors));
    const double compileSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    verify::VerifyOptions options;
    options.jobs = jobs;
    options.shards = jobs;
    options.optimiseSimulation = c.optimise;
    const auto t1 = std::chrono::steady_clock::now();
    const verify::VerifyReport r = verify::verifyDesign(dir, options);
    const double verifySeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const double mb = 1.0 / (1024.0 * 1024.0);
    std::printf("%-20s %7lld %4s %8.1f %7.1f %7.1f %13.0f %10.0f %8.1f %8.0f %6.0f\n", c.name.c_str(),
        (long long)r.vectors, r.ok() ? "pass" : "FAIL", r.cyclesPerInference(), r.buildSeconds, r.buildCpuSeconds,
        r.cyclesPerCpuSecond(), r.vectorsPerSecond(), verifySeconds, double(r.buildPeakRssBytes) * mb,
        double(r.simulationPeakRssBytes) * mb);
    std::printf(
        "%-20s (design compiled in %.1f s: %lld LUT estimated)\n", "", compileSeconds, (long long)design.estimate.lut);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    int jobs = int(std::max(1u, std::thread::hardware_concurrency()));
    int64_t mlpVectors = 500;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--jobs") && i + 1 < argc)
            jobs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--vectors") && i + 1 < argc)
            mlpVectors = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_verify [--jobs N] [--vectors N (MLPs)] [--only NAME]\n");
            return 2;
        }
    }
    try {
        const std::string shared = LUTHIER_SHARED_DIR;
        const ir::Graph jsc = importer::importModel(shared + "/models/qkeras_jettagging.onnx");
        const sim::Dataset jscInputs
            = sim::loadInputs(shared + "/models/reference/qkeras_jettagging.input.npy", jsc.inputShape);
        arch::MapOptions lutna;
        lutna.defaultTemplate = ir::TemplateKind::LutNa;
        std::vector<Case> cases;
        cases.push_back({ "jsc_tlmac", jsc, jscInputs, {} });
        cases.push_back({ "jsc_tlmac_O2", jsc, jscInputs, {}, true });
        cases.push_back({ "jsc_lutna", jsc, jscInputs, lutna });
        const ir::Graph big = randomMlp("mlp_490_256x3_12", { 490, 256, 256, 256, 12 }, 3, 1);
        cases.push_back({ big.name, big, randomInputs(big, mlpVectors, 2), {} });
        const ir::Graph small = randomMlp("mlp_600_64x3_1", { 600, 64, 64, 64, 1 }, 2, 3);
        cases.push_back({ small.name, small, randomInputs(small, mlpVectors, 4), {} });

        const auto root = std::filesystem::temp_directory_path() / "luthier_bench_verify";
        std::printf("bench_verify: %d harness processes and build jobs; cycles/s per core = simulated cycles / "
                    "harness CPU seconds; vectors/s on the wall clock\n",
            jobs);
        std::printf("%-20s %7s %4s %8s %7s %7s %13s %10s %8s %8s %6s\n", "design", "vectors", "", "cyc/inf", "build s",
            "cpu s", "cycles/s/core", "vectors/s", "total s", "build MB", "sim MB");
        for (const Case& c : cases)
            if (only.empty() || c.name == only) run(c, root, jobs, c.name.rfind("mlp", 0) == 0 ? mlpVectors : -1);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_verify: %s\n", e.what());
        return 1;
    }
    return 0;
}
