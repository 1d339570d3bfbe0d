// Places the mapped ResNet-18 on xcvu13p and prints time and cost.
// Usage: bench_place [--part P] [--effort E] [--map-effort M] [--unit-luts L] [--seed S] [--small] [--heatmaps DIR]
// The design is the generated ResNet-18 (bench/resnet18_model.h: 3-bit weights and activations) imported,
// lowered and mapped by mapDesign (TLMAC convs in their folded wrappers, pooling and residual Add blocks),
// then place::buildNetlist; --small places a synthetic 6-layer design instead (place/synthetic.h).
// Mapping time is printed apart (the compiler's own bench is bench_compile). Target: placement under 30 s
// at effort 1 on 2 cores.

#include "arch/hw_design.h"
#include "device/device_loader.h"
#include "onnx/importer.h"
#include "place/heatmap.h"
#include "place/netlist.h"
#include "place/placer.h"
#include "place/synthetic.h"
#include "quant/lower.h"
#include "quant/ptq.h"
#include "resnet18_model.h"
#include "sim/calibration.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

int main(int argc, char** argv)
{
    using namespace luthier;
    std::string part = "xcvu13p";
    place::PlaceOptions options;
    bool small = false;
    double mapEffort = 0.2;
    int64_t unitLuts = 1024;
    std::string heatmapDir;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--part" && i + 1 < argc)
            part = argv[++i];
        else if (arg == "--effort" && i + 1 < argc)
            options.effort = std::stod(argv[++i]);
        else if (arg == "--unit-luts" && i + 1 < argc)
            unitLuts = std::stoll(argv[++i]);
        else if (arg == "--map-effort" && i + 1 < argc)
            mapEffort = std::stod(argv[++i]);
        else if (arg == "--seed" && i + 1 < argc)
            options.seed = std::stoull(argv[++i]);
        else if (arg == "--heatmaps" && i + 1 < argc)
            heatmapDir = argv[++i];
        else if (arg == "--small")
            small = true;
        else {
            std::fprintf(stderr,
                "usage: bench_place [--part P] [--effort E] [--map-effort M] [--unit-luts L] [--seed S] "
                "[--small] [--heatmaps DIR]\n");
            return 2;
        }
    }
    try {
        const device::Device device = device::findDevice(part);
        const auto t0 = std::chrono::steady_clock::now();
        arch::HwDesign design;
        if (small) {
            design = place::syntheticDesign(place::smallSpec(6, 120, 48, 3));
        } else {
            const auto path = std::filesystem::temp_directory_path() / "luthier_bench_place_resnet18.onnx";
            bench::writeResnet18(path.string());
            const ir::Graph imported = importer::importModel(path.string());
            // The generated model leaves the conv outputs that meet in residual Adds float: quantise them to
            // 4 bits over ranges calibrated on two random images, as post-training quantisation would.
            sim::Dataset images { imported.inputShape, 2, {} };
            std::mt19937_64 rng(7);
            std::uniform_real_distribution<double> pixel(0.0, 1.0);
            images.data.resize(size_t(images.count * images.sampleSize()));
            for (double& x : images.data)
                x = pixel(rng);
            Progress quiet;
            auto ranges = sim::calibrateRanges(imported, images, quiet, images.count);
            quant::Overrides residuals;
            for (size_t i = 0; i < imported.layers.size(); ++i) {
                const ir::Layer& layer = imported.layers[i];
                if (layer.kind != ir::LayerKind::Conv || layer.outputQuant() || !ranges.count(int(i))) continue;
                residuals[layer.name].activationBits = 4;
                // Widen the range to +-7 * 2^k: the 4-bit scale becomes 2^k, and the Add can align it exactly
                // with the model's activation scale 0.25.
                auto& [lo, hi] = ranges[int(i)];
                const double step
                    = std::exp2(std::ceil(std::log2(std::max({ std::fabs(lo), std::fabs(hi), 1e-6 }) / 7)));
                lo = -7 * step, hi = 7 * step;
            }
            const ir::Graph graph = quant::prepareGraph(imported, residuals, 3, 3, ranges).graph;
            const quant::IntGraph ints = quant::lowerToInteger(graph);
            arch::MapOptions map;
            map.tlmac.effort = mapEffort;
            design = arch::mapDesign(ints, map);
            std::printf("ResNet-18 mapped in %.2f s (map effort %.2f): %zu hardware layers, %lld LUT estimate\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), mapEffort,
                design.layers.size(), (long long)design.estimate.lut);
            for (const arch::HwLayer& l : design.layers)
                std::printf("  %-28.28s %-14s %10lld LUT %9lld FF %8.1f BRAM %12lld cycles\n", l.module.c_str(),
                    l.block      ? l.block->what
                        : l.conv ? "conv"
                                 : "dense",
                    (long long)l.estimate.lut, (long long)l.estimate.ff, l.estimate.bram, (long long)l.cycles);
        }
        const auto tn = std::chrono::steady_clock::now();
        place::NetlistOptions units;
        if (!small) // 1.2M LUT in 512-LUT banks would be ~3,600 units; 1k-LUT banks keep about 2,000
            units.maxUnitLuts = unitLuts;
        const place::Netlist netlist = place::buildNetlist(design, units);
        const auto t1 = std::chrono::steady_clock::now();
        Progress progress;
        const place::Placement p = place::place(device, netlist, {}, options, progress);
        const auto t2 = std::chrono::steady_clock::now();
        const device::Resources total = netlist.total();
        std::printf("design: %zu layers, %zu units, %zu nets; %s\n", netlist.layers.size(), netlist.units.size(),
            netlist.nets.size(), device::toString(total).c_str());
        std::printf("device: %s, %zu cells\n", device.part().c_str(), p.cells.size());
        std::printf("netlist build: %.2f s\n", std::chrono::duration<double>(t1 - tn).count());
        std::printf("placement: %.2f s, %d temperatures, %lld moves, %lld accepted\n",
            std::chrono::duration<double>(t2 - t1).count(), p.temperatures, (long long)p.moves, (long long)p.accepted);
        std::printf("wirelength: %.0f -> %.0f\n", p.initial.wirelength, p.final.wirelength);
        std::printf("peak wire demand: %.2f -> %.2f wires/tile\n", p.initial.peakWireDemand, p.final.peakWireDemand);
        std::printf("cost: %.4f -> %.4f\n", p.initial.cost, p.final.cost);
        if (!heatmapDir.empty())
            for (const std::string& name : place::heatmapNames())
                place::writeCsv(place::heatmap(name, device, netlist, p), heatmapDir + "/heatmap_" + name + ".csv");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    return 0;
}
