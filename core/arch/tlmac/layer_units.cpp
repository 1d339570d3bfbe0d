#include "arch/tlmac/layer_units.h"

#include <algorithm>

namespace luthier::arch::tlmac {

int unsignedBitsFor(int64_t maxValue)
{
    int bits = 1;
    while (bits < 63 && (int64_t(1) << bits) <= maxValue)
        ++bits;
    return bits;
}

int64_t romLutsPerBit(int64_t depth, int lutInputs)
{
    if (depth <= 1)
        return 0;
    const int64_t leaves = (depth + (int64_t(1) << lutInputs) - 1) >> lutInputs;
    return leaves + muxLutsPerBit(leaves, lutInputs);
}

int selectBits(const TlmacPlan& plan, int lane)
{
    const int64_t inputs = int64_t(plan.laneArrays[size_t(lane)].size()) + plan.laneUsesZero[size_t(lane)];
    return inputs <= 1 ? 1 : unsignedBitsFor(inputs - 1);
}

void describeLayer(HwLayer& layer)
{
    const TlmacDatapath& d = *layer.tlmac;
    const TlmacPlan& plan = d.plan;
    const int k = plan.lutInputs;
    const int64_t addresses = int64_t(1) << k;

    layer.arrays.clear();
    for (int a = 0; a < plan.arrays; ++a) {
        LutArray array;
        array.index = a;
        array.luts = plan.lutWidth;
        array.init.assign(size_t(plan.lutWidth), std::vector<uint64_t>(size_t((addresses + 63) / 64), 0));
        for (int c = 0; c < plan.clusters; ++c) {
            array.groups.push_back(plan.groupAt[size_t(a) * size_t(plan.clusters) + size_t(c)]);
            for (unsigned bits = 0; bits < (1u << plan.groupSize); ++bits) {
                const uint64_t value = uint64_t(plan.tableValue(a, c, bits));
                const int64_t address = (int64_t(c) << plan.groupSize) | int64_t(bits);
                for (int i = 0; i < plan.lutWidth; ++i)
                    if (value >> i & 1u)
                        array.init[size_t(i)][size_t(address / 64)] |= uint64_t(1) << (address % 64);
            }
        }
        layer.arrays.push_back(std::move(array));
    }

    Resources r;
    layer.muxes.clear();
    int64_t routeLuts = 0, routeWidth = 0;
    for (int p = 0; p < plan.parallel; ++p) {
        Multiplexer mux;
        mux.lane = p;
        mux.arrays = plan.laneArrays[size_t(p)];
        mux.constantZero = plan.laneUsesZero[size_t(p)] != 0;
        mux.width = plan.lutWidth;
        mux.luts = int64_t(mux.width) * muxLutsPerBit(int64_t(mux.arrays.size()) + mux.constantZero, k);
        r.lut += mux.luts;
        routeWidth += selectBits(plan, p);
        routeLuts += selectBits(plan, p) * romLutsPerBit(plan.steps, k);
        layer.muxes.push_back(std::move(mux));
    }
    r.lut += plan.tableLuts() + routeLuts;

    layer.roms.clear();
    layer.roms.push_back({ "route", plan.steps, routeWidth, layer.module + "_route.mem", routeLuts });
    if (plan.clusters > 1) {
        const int64_t luts = plan.clusterBits * romLutsPerBit(plan.steps, k);
        layer.roms.push_back({ "cluster", plan.steps, plan.clusterBits, layer.module + "_cluster.mem", luts });
        r.lut += luts;
    }

    // Activation select: a J:1 mux of the G codes, then each code's bit of the current plane.
    const int64_t groupsPerOutput = plan.groupsPerOutput;
    r.lut += int64_t(plan.groupSize) * d.inputBits * muxLutsPerBit(groupsPerOutput, k)
        + plan.groupSize * muxLutsPerBit(d.inputBits, k);

    layer.accumulators.clear();
    for (int p = 0; p < plan.parallel; ++p) {
        Accumulator acc { p, d.accBits, d.accBits, d.accBits };
        r.lut += acc.luts;
        r.ff += acc.ffs;
        r.carry += (d.accBits + 3) / 4;
        layer.accumulators.push_back(acc);
    }

    const int64_t outBits = d.raw ? d.rawBits : d.outputBits;
    if (d.raw) {
        r.lut += plan.parallel * d.rawBits; // scale and offset adder into the output register
        r.carry += plan.parallel * ((d.rawBits + 3) / 4);
    } else {
        const int64_t depth = plan.blocks * d.thresholdsPerOutput;
        const bool negates = std::any_of(d.compareSign.begin(), d.compareSign.end(), [](int8_t s) { return s < 0; });
        const int64_t perLane = d.compareBits // comparator
            + (negates ? d.compareBits : 0) + d.compareBits * romLutsPerBit(depth, k) + d.outputBits; // counter
        r.lut += plan.parallel * perLane;
        r.ff += plan.parallel * d.outputBits;
        r.carry += plan.parallel * ((d.compareBits + 3) / 4);
        layer.roms.push_back({ "thresholds", depth, int64_t(plan.parallel) * d.compareBits,
            layer.module + "_thresholds.mem", plan.parallel * d.compareBits * romLutsPerBit(depth, k) });
    }
    r.ff += plan.outputs * outBits + d.inputs * d.inputBits;

    // Control: step, plane, group, block and threshold counters with their compares.
    const int64_t counterBits = unsignedBitsFor(plan.steps) + unsignedBitsFor(groupsPerOutput)
        + unsignedBitsFor(d.inputBits) + unsignedBitsFor(plan.blocks) + unsignedBitsFor(plan.blocks * d.thresholdsPerOutput + 1);
    r.ff += counterBits + 3 + (plan.clusterBits + plan.groupSize) + routeWidth + 4; // + pipeline registers
    r.lut += 2 * counterBits;
    layer.estimate = r;

    layer.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(d.inputs * d.inputBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(plan.outputs * outBits) } };
    // Per block: J * B_a accumulate cycles, one to drain the pipeline, one per threshold (raw: one).
    layer.cycles = plan.blocks * (groupsPerOutput * d.inputBits + 1 + (d.raw ? 1 : d.thresholdsPerOutput)) + 1;
}

} // namespace luthier::arch::tlmac
