#include "place/synthetic.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace luthier::place {

namespace {

// splitmix64: a tiny generator with the same sequence on every platform.
struct SplitMix {
    uint64_t state;
    uint64_t next()
    {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % uint64_t(n)); }
};

int bitsFor(int64_t choices)
{
    return choices <= 1 ? 0 : int(std::ceil(std::log2(double(choices))));
}

} // namespace

SyntheticSpec resnet18Spec()
{
    SyntheticSpec spec;
    auto conv = [&](const std::string& name, int in, int out, int kernel) {
        SyntheticLayer l;
        l.name = name;
        l.lanes = 192;
        l.minFanIn = 29;
        l.maxFanIn = 47;
        // Unique 3-weight groups of 3-bit weights are at most 8^3 = 512; big layers come close to that.
        l.arrays = std::min(512, 380 + (in * out * kernel * kernel) / 4096);
        l.steps = std::max<int64_t>(1, int64_t(in) * out * kernel * kernel / (64 * 9));
        spec.layers.push_back(l);
    };
    conv("conv1", 3, 64, 7);
    for (int b = 0; b < 2; ++b)
        for (int c = 1; c <= 2; ++c)
            conv("layer1." + std::to_string(b) + ".conv" + std::to_string(c), 64, 64, 3);
    int in = 64;
    for (int stage = 2; stage <= 4; ++stage) {
        const int width = 64 << (stage - 1);
        const std::string s = "layer" + std::to_string(stage);
        conv(s + ".0.conv1", in, width, 3);
        conv(s + ".0.conv2", width, width, 3);
        conv(s + ".0.downsample", in, width, 1);
        conv(s + ".1.conv1", width, width, 3);
        conv(s + ".1.conv2", width, width, 3);
        in = width;
    }
    conv("fc", 512, 1000, 1);
    return spec;
}

SyntheticSpec smallSpec(int layers, int arrays, int lanes, uint64_t seed)
{
    SyntheticSpec spec;
    spec.seed = seed;
    for (int i = 0; i < layers; ++i) {
        SyntheticLayer l;
        l.name = "layer" + std::to_string(i);
        l.arrays = arrays;
        l.lanes = lanes;
        l.minFanIn = std::min(4, arrays);
        l.maxFanIn = std::min(12, arrays);
        l.steps = 64;
        spec.layers.push_back(l);
    }
    return spec;
}

arch::HwDesign syntheticDesign(const SyntheticSpec& spec)
{
    SplitMix rng { spec.seed };
    arch::HwDesign design;
    design.model = "synthetic";
    design.top = "synthetic_top";
    design.lutInputs = spec.lutInputs;
    for (size_t li = 0; li < spec.layers.size(); ++li) {
        const SyntheticLayer& s = spec.layers[li];
        const bool structured = s.arrays > 0 || s.lanes > 0;
        if (structured
            && (s.arrays < 1 || s.lanes < 1 || s.minFanIn < 1 || s.maxFanIn < s.minFanIn || s.maxFanIn > s.arrays))
            throw Error("synthetic layer '" + s.name + "': sizes must satisfy 1 <= minFanIn <= maxFanIn <= arrays");
        arch::HwLayer layer;
        layer.name = s.name;
        layer.module = "l" + std::to_string(li);
        layer.instance = "u_l" + std::to_string(li);
        if (li > 0) layer.inputs = { int(li) - 1 };
        for (int a = 0; a < s.arrays; ++a) {
            arch::LutArray array;
            array.index = a;
            array.luts = s.lutWidth;
            layer.arrays.push_back(array);
            layer.estimate.lut += s.lutWidth;
        }
        std::vector<int32_t> pool(size_t(s.arrays));
        for (int lane = 0; lane < s.lanes; ++lane) {
            arch::Multiplexer mux;
            mux.lane = lane;
            mux.width = s.lutWidth;
            const int fanIn = s.minFanIn + rng.below(s.maxFanIn - s.minFanIn + 1);
            // Partial Fisher-Yates: fanIn distinct arrays.
            for (int a = 0; a < s.arrays; ++a)
                pool[size_t(a)] = a;
            for (int k = 0; k < fanIn; ++k)
                std::swap(pool[size_t(k)], pool[size_t(k + rng.below(s.arrays - k))]);
            mux.arrays.assign(pool.begin(), pool.begin() + fanIn);
            std::sort(mux.arrays.begin(), mux.arrays.end());
            mux.luts = int64_t(s.lutWidth) * ((fanIn + 3) / 4);
            layer.estimate.lut += mux.luts;
            layer.muxes.push_back(mux);

            arch::Accumulator acc { lane, s.accBits, s.accBits, s.accBits };
            layer.estimate.lut += acc.luts;
            layer.estimate.ff += acc.ffs;
            layer.accumulators.push_back(acc);
        }
        if (!structured) { // a layer of another template: only its estimate, set by the caller
            design.layers.push_back(std::move(layer));
            continue;
        }
        int64_t selectBits = 0;
        for (const arch::Multiplexer& mux : layer.muxes)
            selectBits += bitsFor(int64_t(mux.arrays.size()));
        const int clusterBits = spec.lutInputs - spec.groupSize;
        layer.roms.push_back({ "cluster", s.steps, clusterBits, "", 0 });
        layer.roms.push_back({ "route", s.steps, selectBits, "", 0 });
        layer.roms.push_back({ "thresholds", (1 << s.outputBits) - 1, int64_t(s.lanes) * s.accBits, "", 0 });
        for (const arch::Rom& rom : layer.roms)
            layer.estimate.bram += std::ceil(double(rom.bits()) / 36864.0);
        // Sequencer and input registers.
        layer.estimate.lut += 64;
        layer.estimate.ff += 64 + int64_t(s.lanes) * s.outputBits;
        layer.ports.push_back({ "in_data", true, spec.groupSize });
        layer.ports.push_back({ "out_data", false, s.lanes * s.outputBits });
        layer.tlmac.emplace();
        layer.tlmac->plan.groupSize = spec.groupSize;
        layer.tlmac->plan.lutInputs = spec.lutInputs;
        layer.tlmac->plan.arrays = s.arrays;
        layer.tlmac->plan.lutWidth = s.lutWidth;
        design.estimate += layer.estimate;
        design.layers.push_back(std::move(layer));
    }
    return design;
}

} // namespace luthier::place
