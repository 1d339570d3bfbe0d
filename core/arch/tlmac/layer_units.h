#pragma once
// The hardware units of a TLMAC dense layer (LUT arrays with INIT contents, multiplexers, accumulators,
// ROMs, ports) and their resource estimate, derived from the layer's TlmacDatapath. The estimate models
// the RTL that core/rtl emits for the layer, term by term (see docs/compiler.md, "Resource estimate").

#include "arch/hw_design.h"

#include <functional>

namespace luthier::arch::tlmac {

int unsignedBitsFor(int64_t maxValue); // bits to count 0..maxValue (at least 1)

// LUT-K for a distributed ROM of `depth` words, one output bit (a LUT per 2^K words plus a mux tree).
int64_t romLutsPerBit(int64_t depth, int lutInputs);

// RAMB36 equivalents (a RAMB18 is 0.5) Yosys synth_xilinx puts a ROM of depth x width in when its read is
// registered, or 0 when it keeps the ROM in logic: memory_libmap charges logic 1/16 per bit and takes the
// cheapest RAMB18/RAMB36 arrangement only when that costs less (a RAMB18 129, a RAMB36 257). Always 0 for
// K != 6: the K = 4 flow (synth_ice40) is not modelled with block RAM.
double blockRamsForRegisteredRom(int64_t depth, int64_t width, int lutInputs);

// Output bits of a ROM kept in logic that cost a LUT tree and a register bit, given as its bit columns (one
// bool per word): a constant column is no logic and columns that repeat another are one (synthesis merges them).
int64_t distinctVaryingColumns(const std::vector<std::vector<bool>>& columns);

// A raw (final) dense layer's outputs, q = scale * S + offset into the output register (rtl/dense_outputs.cpp):
// the scale is a shift and only the constant's 1 bits cost a LUT on the carry chain (constantAdderLuts).
Resources rawOutputResources(const DenseArithmetic& d, int64_t outputs, int lutInputs);

// The weight ROM of a folded template (DSP MAC, shift-add; rtl/folded_mac.cpp): word blk * inputs + i holds
// every lane's encoded weight, lanes past the last output encode 0. It is read into a register, so Yosys
// may put it in block RAM (brams > 0: no LUTs, and that register is the RAM's own).
struct FoldedRom {
    int64_t luts = 0;
    int64_t registerBits = 0; // bits of the word register synthesis keeps
    double brams = 0;
};
FoldedRom foldedWeightRom(
    const DenseDatapath& d, int wordBits, const std::function<uint64_t(int32_t)>& encode, int lutInputs);

// Fills arrays, muxes, accumulators, roms, ports, cycles and estimate of a layer whose `tlmac` is set.
void describeLayer(HwLayer& layer);

// Route-select width of one lane (its inputs plus the constant 0 when used).
int selectBits(const TlmacPlan& plan, int lane);

} // namespace luthier::arch::tlmac
