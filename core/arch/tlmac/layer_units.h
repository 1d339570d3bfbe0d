#pragma once
// The hardware units of a TLMAC dense layer (LUT arrays with INIT contents, multiplexers, accumulators,
// ROMs, ports) and their resource estimate, derived from the layer's TlmacDatapath. The estimate models
// the RTL that core/rtl emits for the layer, term by term (see docs/compiler.md, "Resource estimate").

#include "arch/hw_design.h"

namespace luthier::arch::tlmac {

int unsignedBitsFor(int64_t maxValue); // bits to count 0..maxValue (at least 1)

// LUT-K for a distributed ROM of `depth` words, one output bit (a LUT per 2^K words plus a mux tree).
int64_t romLutsPerBit(int64_t depth, int lutInputs);

// Fills arrays, muxes, accumulators, roms, ports, cycles and estimate of a layer whose `tlmac` is set.
void describeLayer(HwLayer& layer);

// Route-select width of one lane (its inputs plus the constant 0 when used).
int selectBits(const TlmacPlan& plan, int lane);

} // namespace luthier::arch::tlmac
