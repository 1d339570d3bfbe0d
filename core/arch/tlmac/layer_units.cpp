#include "arch/tlmac/layer_units.h"

#include <algorithm>
#include <bit>
#include <set>

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
    if (depth <= 1) return 0;
    const int64_t leaves = (depth + (int64_t(1) << lutInputs) - 1) >> lutInputs;
    return leaves + muxLutsPerBit(leaves, lutInputs);
}

double blockRamsForRegisteredRom(int64_t depth, int64_t width, int lutInputs)
{
    if (lutInputs != 6) return 0.0;
    // Yosys' Xilinx block RAM library (share/xilinx/brams_xc4v.txt): per primitive its cost, address bits
    // (counted in 1-bit units) and the data widths a read port can take (simple dual port: only the widest).
    struct Arrangement {
        double ramb36;
        int cost;
        int addressBits;
        std::vector<int> widths;
    };
    static const std::vector<Arrangement> arrangements = {
        { 0.5, 129, 14, { 1, 2, 4, 9, 18 } }, // RAMB18 true dual port
        { 1.0, 257, 15, { 1, 2, 4, 9, 18, 36 } }, // RAMB36 true dual port
        { 0.5, 129, 14, { 36 } }, // RAMB18 simple dual port
        { 1.0, 257, 15, { 72 } }, // RAMB36 simple dual port
    };
    // proc_rom turns the ROM function's case (with its default) into a memory of 2^address bits words.
    const int64_t words = int64_t(1) << unsignedBitsFor(std::max<int64_t>(depth - 1, 0));
    const int64_t logicCost = words * width / 16;
    int64_t bestCost = logicCost;
    double best = 0;
    for (const auto& a : arrangements)
        for (int w : a.widths) {
            const int64_t wordsPerPrimitive = (int64_t(1) << a.addressBits) >> (std::bit_width(unsigned(w)) - 1);
            const int64_t primitives = ((width + w - 1) / w) * ((words + wordsPerPrimitive - 1) / wordsPerPrimitive);
            if (primitives * a.cost < bestCost) {
                bestCost = primitives * a.cost;
                best = double(primitives) * a.ramb36;
            }
        }
    return best;
}

int64_t distinctVaryingColumns(const std::vector<std::vector<bool>>& columns)
{
    std::set<std::vector<bool>> distinct;
    for (const auto& column : columns)
        if (std::count(column.begin(), column.end(), column.front()) != std::ptrdiff_t(column.size()))
            distinct.insert(column);
    return int64_t(distinct.size());
}

FoldedRom foldedWeightRom(
    const DenseDatapath& d, int wordBits, const std::function<uint64_t(int32_t)>& encode, int lutInputs)
{
    const int64_t blocks = (d.outputs + d.parallel - 1) / d.parallel, depth = blocks * d.inputs;
    FoldedRom rom;
    rom.brams = blockRamsForRegisteredRom(depth, int64_t(d.parallel) * wordBits, lutInputs);
    if (rom.brams > 0) return rom;
    std::vector<std::vector<bool>> columns(size_t(d.parallel) * size_t(wordBits));
    for (int64_t b = 0; b < blocks; ++b)
        for (int64_t i = 0; i < d.inputs; ++i)
            for (int p = 0; p < d.parallel; ++p) {
                const int64_t o = b * d.parallel + p;
                const uint64_t word = encode(o < d.outputs ? d.weight(o, i) : 0);
                for (int bit = 0; bit < wordBits; ++bit)
                    columns[size_t(p) * size_t(wordBits) + size_t(bit)].push_back((word >> bit & 1u) != 0);
            }
    rom.registerBits = distinctVaryingColumns(columns);
    rom.luts = rom.registerBits * romLutsPerBit(depth, lutInputs);
    return rom;
}

namespace {

using TruthTable = std::vector<uint64_t>;

// Address bits a LUT's truth table depends on.
int supportOf(const TruthTable& table, int lutInputs)
{
    int support = 0;
    for (int i = 0; i < lutInputs; ++i) {
        bool depends = false;
        for (int64_t a = 0; a < (int64_t(1) << lutInputs) && !depends; ++a) {
            const int64_t b = a ^ (int64_t(1) << i);
            depends = (table[size_t(a / 64)] >> (a % 64) & 1u) != (table[size_t(b / 64)] >> (b % 64) & 1u);
        }
        support += depends;
    }
    return support;
}

// LUTs an array really takes: synthesis merges equal bits (the sign bits of narrow groups repeat) and needs no
// LUT for a constant or a bare address bit.
int distinctTableLuts(const LutArray& array, int lutInputs)
{
    std::set<TruthTable> luts;
    for (const auto& bit : array.init)
        if (supportOf(bit, lutInputs) >= 2) luts.insert(bit);
    return int(luts.size());
}

// Output bits of a lane's multiplexer that differ: a bit whose inputs equal another bit's (sign extension in
// every array the lane reaches) is the same multiplexer, one whose inputs are all 0 is a constant.
int distinctMuxBits(const Multiplexer& mux, const std::vector<LutArray>& arrays)
{
    std::set<std::vector<TruthTable>> columns;
    for (int bit = 0; bit < mux.width; ++bit) {
        std::vector<TruthTable> column;
        bool zero = true;
        for (int32_t a : mux.arrays) {
            const TruthTable& t = arrays[size_t(a)].init[size_t(bit)];
            zero = zero && std::all_of(t.begin(), t.end(), [](uint64_t w) { return w == 0; });
            column.push_back(t);
        }
        if (!zero) columns.insert(std::move(column));
    }
    return int(columns.size());
}

// A constant added to a registered value: on Xilinx a carry chain whose LUTs invert the operand where the
// constant has a 1 (the other bits need none); on iCE40 one SB_LUT4 per sum bit from the lowest 1 up.
int64_t constantAdderLuts(int64_t constant, int bits, int lutInputs)
{
    const uint64_t c = uint64_t(constant) & (bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1);
    if (c == 0) return 0;
    if (lutInputs == 4) return bits - std::countr_zero(c);
    return std::popcount(c);
}

// Threshold ROM bits that need logic: the ROM holds every lane's comparator level per (block, threshold); a
// lane's bit that is constant over the ROM (high bits of small levels) or repeats another bit is no extra LUT.
int64_t distinctThresholdBits(const TlmacDatapath& d)
{
    const TlmacPlan& plan = d.plan;
    const int bits = d.compareBits;
    std::vector<std::vector<bool>> columns;
    for (int p = 0; p < plan.parallel; ++p)
        for (int bit = 0; bit < bits; ++bit) {
            std::vector<bool> column;
            for (int64_t b = 0; b < plan.blocks; ++b)
                for (int t = 0; t < d.thresholdsPerOutput; ++t) {
                    const int64_t o = b * plan.parallel + p;
                    // Lanes past the last output compare with the largest level, as the emitter fills them.
                    const int64_t level
                        = o < plan.outputs ? d.compareLevels[size_t(o)][size_t(t)] : (int64_t(1) << (bits - 1)) - 1;
                    column.push_back((uint64_t(level) >> std::min(bit, 63) & 1u) != 0);
                }
            columns.push_back(std::move(column));
        }
    return distinctVaryingColumns(columns);
}

} // namespace

Resources rawOutputResources(const DenseArithmetic& d, int64_t outputs, int lutInputs)
{
    Resources r;
    for (int64_t o = 0; o < outputs; ++o) {
        const int64_t luts = constantAdderLuts(d.offset[size_t(o)], d.rawBits, lutInputs);
        r.lut += luts;
        r.carry += luts ? (d.rawBits + 3) / 4 : 0;
    }
    r.ff = outputs * d.rawBits;
    return r;
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
        array.init.assign(size_t(plan.lutWidth), std::vector<uint64_t>(size_t((addresses + 63) / 64), 0));
        for (int c = 0; c < plan.clusters; ++c) {
            array.groups.push_back(plan.groupAt[size_t(a) * size_t(plan.clusters) + size_t(c)]);
            for (unsigned bits = 0; bits < (1u << plan.groupSize); ++bits) {
                const uint64_t value = uint64_t(plan.tableValue(a, c, bits));
                const int64_t address = (int64_t(c) << plan.groupSize) | int64_t(bits);
                for (int i = 0; i < plan.lutWidth; ++i)
                    if (value >> i & 1u) array.init[size_t(i)][size_t(address / 64)] |= uint64_t(1) << (address % 64);
            }
        }
        array.luts = distinctTableLuts(array, k);
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
        mux.luts = distinctMuxBits(mux, layer.arrays) * muxLutsPerBit(int64_t(mux.arrays.size()) + mux.constantZero, k);
        r.lut += mux.luts;
        routeWidth += selectBits(plan, p);
        routeLuts += selectBits(plan, p) * romLutsPerBit(plan.steps, k);
        layer.muxes.push_back(std::move(mux));
    }
    for (const auto& array : layer.arrays)
        r.lut += array.luts;
    // The route ROM is read into the select register sel_r: in block RAM that register is the RAM's own.
    const double routeBrams = blockRamsForRegisteredRom(plan.steps, routeWidth, k);
    if (routeBrams > 0) {
        routeLuts = 0;
        r.bram += routeBrams;
    } else {
        r.ff += routeWidth;
    }
    r.lut += routeLuts;

    layer.roms.clear();
    layer.roms.push_back({ "route", plan.steps, routeWidth, layer.module + "_route.mem", routeLuts });
    if (plan.clusters > 1) {
        const int64_t luts = plan.clusterBits * romLutsPerBit(plan.steps, k);
        layer.roms.push_back({ "cluster", plan.steps, plan.clusterBits, layer.module + "_cluster.mem", luts });
        r.lut += luts;
    }

    // Activation select: a J:1 mux of the G codes, then each code's bit of the current plane.
    const int64_t groupsPerOutput = plan.groupsPerOutput;
    r.lut += int64_t(plan.groupSize) * d.inputBits * caseMuxLutsPerBit(groupsPerOutput, k)
        + plan.groupSize * muxLutsPerBit(d.inputBits, k);

    layer.accumulators.clear();
    for (int p = 0; p < plan.parallel; ++p) {
        // Two LUTs per bit: the operand select (0, acc or 2 acc) and the adder bit on the carry chain, whose
        // LUT has the operands on fixed pins (synth_xilinx and synth_ice40 alike do not merge them).
        Accumulator acc { p, d.accBits, 2 * int64_t(d.accBits), d.accBits };
        r.lut += acc.luts;
        r.ff += acc.ffs;
        r.carry += (d.accBits + 3) / 4;
        layer.accumulators.push_back(acc);
    }

    const int64_t outBits = d.raw ? d.rawBits : d.outputBits;
    if (d.raw) {
        for (int64_t o = 0; o < plan.outputs; ++o) { // the offset added into the output register
            const int64_t luts = constantAdderLuts(d.offset[size_t(o)], d.rawBits, k);
            r.lut += luts;
            r.carry += luts ? (d.rawBits + 3) / 4 : 0;
        }
    } else {
        const int64_t depth = plan.blocks * d.thresholdsPerOutput;
        const bool negates = std::any_of(d.compareSign.begin(), d.compareSign.end(), [](int8_t s) { return s < 0; });
        // The comparator: on Xilinx a LUT per bit feeds CARRY4; an iCE40 SB_CARRY takes the operands itself and
        // only the result needs a LUT.
        const int64_t comparator = k == 4 ? 1 : d.compareBits;
        const int64_t perLane = comparator + (negates ? d.compareBits : 0) + d.outputBits; // + counter
        const int64_t romLuts = distinctThresholdBits(d) * romLutsPerBit(depth, k);
        r.lut += plan.parallel * perLane + romLuts;
        r.ff += plan.parallel * d.outputBits;
        r.carry += plan.parallel * ((d.compareBits + 3) / 4);
        layer.roms.push_back(
            { "thresholds", depth, int64_t(plan.parallel) * d.compareBits, layer.module + "_thresholds.mem", romLuts });
    }
    r.ff += plan.outputs * outBits + d.inputs * d.inputBits;

    // Control: step, plane, group, block and threshold counters with their compares.
    const int64_t counterBits = unsignedBitsFor(plan.steps) + unsignedBitsFor(groupsPerOutput)
        + unsignedBitsFor(d.inputBits) + unsignedBitsFor(plan.blocks)
        + unsignedBitsFor(plan.blocks * d.thresholdsPerOutput + 1);
    r.ff += counterBits + 3 + (plan.clusterBits + plan.groupSize) + 4; // + pipeline registers
    r.lut += 2 * counterBits;
    layer.estimate = r;

    layer.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(d.inputs * d.inputBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(plan.outputs * outBits) } };
    // Per block: J * B_a accumulate cycles, one to drain the pipeline, one per threshold (raw: one).
    layer.cycles = plan.blocks * (groupsPerOutput * d.inputBits + 1 + (d.raw ? 1 : d.thresholdsPerOutput)) + 1;
}

} // namespace luthier::arch::tlmac
