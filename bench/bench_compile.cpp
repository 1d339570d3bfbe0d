// bench_compile: the TLMAC compiler on a ResNet-18-shaped QONNX model (bench/resnet18_model.h: 3-bit
// Laplace-distributed weights): import, integer weights, then per conv/dense layer the planner (interning,
// greedy and spectral clustering, allocation + annealing), table INIT contents and the layer's Verilog
// datapath module. Prints time per stage and arrays, LUTs, wires before/after annealing per layer.
// Target: the whole run under 60 s on 2 cores at the default effort.
//
// Note: conv layers are planned and their lookup datapath is emitted as for a dense layer over the same
// weights; the convolution window logic (line buffers, im2col addressing) is not generated yet.

#include "analysis/int_weights.h"
#include "arch/hw_design.h"
#include "arch/tlmac/layer_units.h"
#include "onnx/importer.h"
#include "resnet18_model.h"
#include "rtl/verilog_emitter.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

using namespace luthier;

namespace {

double since(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

int main(int argc, char** argv)
{
    const double effort = argc > 1 ? std::atof(argv[1]) : 1.0;
    const auto path = std::filesystem::temp_directory_path() / "luthier_bench_resnet18.onnx";
    auto t = std::chrono::steady_clock::now();
    bench::writeResnet18(path.string());
    const double generate = since(t);
    t = std::chrono::steady_clock::now();
    const ir::Graph graph = importer::importModel(path.string());
    const double import = since(t);
    std::printf("ResNet-18 (3-bit Laplace weights): generate %.2f s, import %.2f s\n", generate, import);
    std::printf("%-26s %6s %6s %6s %7s %7s %7s %8s %13s %8s %8s %8s %8s\n", "layer", "G", "steps", "uniq", "greedy",
        "spectr", "arrays", "LUT", "wires", "clus s", "anneal s", "emit s", "total s");

    double clusterTotal = 0, annealTotal = 0, emitTotal = 0;
    int64_t lutTotal = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& layer : graph.layers) {
        if (layer.kind != ir::LayerKind::Dense && layer.kind != ir::LayerKind::Conv) continue;
        const std::string& name = layer.name;
        const auto t0 = std::chrono::steady_clock::now();
        const analysis::IntWeights w = analysis::integerWeights(layer);
        arch::tlmac::LayerWeights weights;
        weights.outputs = w.outChannels;
        const bool conv = layer.kind == ir::LayerKind::Conv;
        weights.rows = conv ? w.inPerGroup * w.kernelH : 1; // dense: groups run along the inputs
        weights.rowLength = conv ? w.kernelW : w.inPerGroup;
        weights.values = w.values;
        weights.bits = w.bits;
        const int64_t kw = conv ? w.kernelW : 3;
        arch::tlmac::TlmacOptions options;
        options.groupSize = int(std::min<int64_t>(kw, 3));
        options.effort = effort;
        arch::HwLayer hw;
        hw.module = "layer";
        arch::TlmacDatapath d;
        d.plan = arch::tlmac::planLayer(weights, options);
        const double plan = since(t0);
        double clustering = 0;
        int greedy = 0, spectral = 0;
        for (const auto& c : d.plan.clusterings) {
            clustering += c.seconds;
            (c.method == "greedy" ? greedy : spectral) = c.arrays;
        }
        // The lookup datapath of this layer: raw accumulators over unsigned 3-bit codes.
        const auto t1 = std::chrono::steady_clock::now();
        d.inputs = weights.rows * weights.rowLength;
        d.inputBits = 3;
        d.accBits = 24;
        d.raw = true;
        d.rawBits = 24;
        d.offset.assign(size_t(d.plan.outputs), 0);
        hw.tlmac = std::move(d);
        arch::tlmac::describeLayer(hw);
        const std::string verilog = rtl::emitLayerModule(hw);
        const double emit = since(t1);
        const auto& p = hw.tlmac->plan;
        std::printf("%-26.26s %6d %6lld %6zu %7d %7d %7d %8lld %6lld>%-6lld %8.2f %8.2f %8.2f %8.2f\n", name.c_str(),
            p.groupSize, (long long)p.steps, p.uniqueGroups.size(), greedy, spectral, p.arrays,
            (long long)hw.estimate.lut, (long long)p.wiresInitial, (long long)p.wiresFinal, clustering,
            plan - clustering, emit, plan + emit);
        clusterTotal += clustering;
        annealTotal += plan - clustering;
        emitTotal += emit;
        lutTotal += hw.estimate.lut;
        (void)verilog;
    }
    std::printf("stages: clustering %.2f s, interning + allocation + annealing %.2f s, tables + Verilog %.2f s\n",
        clusterTotal, annealTotal, emitTotal);
    std::printf("compile total %.2f s (import + layers), %lld LUT estimated for the lookup datapaths\n",
        import + since(start), (long long)lutTotal);
    std::filesystem::remove(path);
    return 0;
}
