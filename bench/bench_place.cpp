// Places a ResNet-18-sized TLMAC design on xcvu13p and prints time and cost.
// Usage: bench_place [--part P] [--effort E] [--seed S] [--small] [--heatmaps DIR]
// The design is synthetic (place/synthetic.h: 21 layers of 192 lanes, ~480 arrays each, multiplexers of
// 29..47 inputs, as TLMAC maps a 3-bit ResNet-18). Target: under 30 s at effort 1 on 2 cores.

#include "device/device_loader.h"
#include "place/heatmap.h"
#include "place/netlist.h"
#include "place/placer.h"
#include "place/synthetic.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    using namespace luthier;
    std::string part = "xcvu13p";
    place::PlaceOptions options;
    bool small = false;
    std::string heatmapDir;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--part" && i + 1 < argc)
            part = argv[++i];
        else if (arg == "--effort" && i + 1 < argc)
            options.effort = std::stod(argv[++i]);
        else if (arg == "--seed" && i + 1 < argc)
            options.seed = std::stoull(argv[++i]);
        else if (arg == "--heatmaps" && i + 1 < argc)
            heatmapDir = argv[++i];
        else if (arg == "--small")
            small = true;
        else {
            std::fprintf(stderr, "usage: bench_place [--part P] [--effort E] [--seed S] [--small] [--heatmaps DIR]\n");
            return 2;
        }
    }
    try {
        const device::Device device = device::findDevice(part);
        const auto t0 = std::chrono::steady_clock::now();
        const arch::HwDesign design
            = place::syntheticDesign(small ? place::smallSpec(6, 120, 48, 3) : place::resnet18Spec());
        const place::Netlist netlist = place::buildNetlist(design);
        const auto t1 = std::chrono::steady_clock::now();
        Progress progress;
        const place::Placement p = place::place(device, netlist, {}, options, progress);
        const auto t2 = std::chrono::steady_clock::now();
        const device::Resources total = netlist.total();
        std::printf("design: %zu layers, %zu units, %zu nets; %s\n", netlist.layers.size(), netlist.units.size(),
            netlist.nets.size(), device::toString(total).c_str());
        std::printf("device: %s, %zu cells\n", device.part().c_str(), p.cells.size());
        std::printf("netlist build: %.2f s\n", std::chrono::duration<double>(t1 - t0).count());
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
