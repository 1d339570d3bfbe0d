// Times import + analysis (weight statistics, TLMAC planning, every template's cost) of a generated ResNet-18-shaped
// QONNX model (3-bit weights and activations, ImageNet shapes) and of every shared model, on one core.
// Target: ResNet-18 import + analyse in under 5 s. Usage: bench_analyze [--effort E] [--best (greedy and spectral
// clustering)] [--no-tlmac]

#include "analysis/layer_stats.h"
#include "onnx/importer.h"
#include "quant/ptq.h"
#include "resnet18_model.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <time.h>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since)
{
    return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of this process: the machine is shared, so wall time alone overstates the cost under load.
double cpuSeconds()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

void benchModel(const std::string& path, const luthier::analysis::AnalysisOptions& options)
{
    const auto t0 = Clock::now();
    const double c0 = cpuSeconds();
    luthier::ir::Graph g = luthier::importer::importModel(path);
    const double importSeconds = seconds(t0), importCpu = cpuSeconds() - c0;
    if (luthier::quant::needsPostTraining(g)) // float models: 8-bit weights, as `analyze` does by default
        g = luthier::quant::prepareGraph(g, {}, 8, 8, {}).graph;
    const auto t1 = Clock::now();
    const double c1 = cpuSeconds();
    luthier::Progress progress;
    const luthier::analysis::ModelStats stats = luthier::analysis::analyseGraph(g, options, progress);
    const double analyseSeconds = seconds(t1), analyseCpu = cpuSeconds() - c1;
    int64_t weights = 0, groups = 0, unique = 0;
    for (const auto& l : stats.layers) {
        weights += l.weights;
        groups += l.groups.totalGroups;
        unique += l.groups.uniqueGroups;
    }
    std::printf("%-34s %3zu layers %9lld weights %8lld groups %6lld unique | import %6.3f s (cpu %6.3f) analyse "
                "%6.3f s (cpu %6.3f) | total %6.3f s (cpu %6.3f) | TLMAC %lld LUT\n",
        std::filesystem::path(path).filename().string().c_str(), stats.layers.size(), static_cast<long long>(weights),
        static_cast<long long>(groups), static_cast<long long>(unique), importSeconds, importCpu, analyseSeconds,
        analyseCpu, importSeconds + analyseSeconds, importCpu + analyseCpu,
        static_cast<long long>(stats.totals[0].lut));
}

} // namespace

int main(int argc, char** argv)
{
    luthier::analysis::AnalysisOptions options;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--no-tlmac"))
            options.planTlmac = false;
        else if (!std::strcmp(argv[i], "--best"))
            options.tlmac.method = luthier::arch::tlmac::ClusterMethod::Best;
        else if (!std::strcmp(argv[i], "--effort") && i + 1 < argc)
            options.tlmac.effort = std::atof(argv[++i]);
    }
    const std::string resnet = std::string(LUTHIER_BINARY_DIR) + "/bench/resnet18_w3a3.onnx";
    if (!std::filesystem::exists(resnet)) {
        const auto t = Clock::now();
        luthier::bench::writeResnet18(resnet);
        std::printf("generated %s in %.2f s\n", resnet.c_str(), seconds(t));
    }
    std::printf("TLMAC planning %s (%s clustering), effort %.2f, one thread; target: ResNet-18 total cpu < 5 s\n",
        options.planTlmac ? "on" : "off",
        options.tlmac.method == luthier::arch::tlmac::ClusterMethod::Best ? "greedy + spectral" : "greedy",
        options.tlmac.effort);
    try {
        benchModel(resnet, options);
        for (const auto& entry : std::filesystem::directory_iterator(std::string(LUTHIER_SHARED_DIR) + "/models"))
            if (entry.path().extension() == ".onnx") benchModel(entry.path().string(), options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    return 0;
}
