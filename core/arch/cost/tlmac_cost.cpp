// TLMAC (folded): N_arr LUT arrays of N_lut LUT-K, an output multiplexer per parallel output choosing among the
// arrays its clusters route to it, a shift-accumulator per parallel output, cluster/routing ROMs and a step counter.
// Activations arrive bit-serially, so a layer takes D_s * B_a cycles per output pixel.

#include "arch/cost/cost.h"
#include "arch/cost/requant.h"
#include "arch/tlmac/layer_units.h"

#include <sstream>

namespace luthier::arch::cost {

Cost tlmacCost(const CostInput& in)
{
    if (!in.tlmac) return unavailableCost(ir::TemplateKind::Tlmac, "no TLMAC plan for this layer");
    Cost c;
    c.kind = ir::TemplateKind::Tlmac;
    const TlmacNumbers& t = *in.tlmac;
    const int acc = accumulatorBits(in);
    const int64_t tables = t.arrays * t.lutsPerArray;
    int64_t muxes = 0;
    int64_t selectBits = 0;
    for (int64_t f : t.muxFanIn) {
        muxes += t.lutsPerArray * muxLuts(f, in.lutInputs);
        selectBits += ceilLog2(f);
    }
    // Per bit the operand select (0, acc, 2 acc) and the adder LUT on the carry chain (arch/tlmac/layer_units.cpp).
    const int64_t accumulators = 2 * t.parallelOutputs * acc;
    // Per step: the cluster ROM gives K - G select bits, the routing ROM every multiplexer's select.
    const int64_t clusterBits = ceilLog2(t.clusters);
    const int64_t romDepth = t.steps;
    // The routing ROM is read into the select register: Yosys puts it in block RAM when that is cheaper
    // (the mapper's rule, arch/tlmac/layer_units.h); the cluster ROM stays in logic.
    const double routeBrams = tlmac::blockRamsForRegisteredRom(romDepth, selectBits, in.lutInputs);
    const int64_t romWidth = clusterBits + (routeBrams > 0 ? 0 : selectBits);
    const int64_t roms = romLuts(romDepth, romWidth, in.lutInputs);
    c.bram += routeBrams;
    const int counterBits = ceilLog2(t.steps * in.activationBits);
    const int64_t control = 2 * counterBits;
    // Thresholds are compared sequentially per parallel output (one comparator each, thresholds from memory); an
    // iCE40 comparator is its SB_CARRY chain and one LUT.
    const int64_t comparator = in.lutInputs == 4 ? 1 : acc;
    const int64_t requant = thresholdsPerOutput(in) > 0 ? t.parallelOutputs * comparator : 0;
    c.lut = tables + muxes + accumulators + roms + control + requant;
    c.ff = t.parallelOutputs * acc + counterBits + romWidth + int64_t(in.activationBits) * in.groupSize;
    const int64_t thresholdBits = in.outChannels * thresholdsPerOutput(in) * acc;
    const int64_t partialBits = in.outChannels * acc;
    addMemory(c, in.inputElements * in.activationBits, in.lutInputs);
    addMemory(c, partialBits, in.lutInputs);
    addMemory(c, thresholdBits, in.lutInputs);
    c.cycles = in.outPixels * t.steps * in.activationBits;
    std::ostringstream f;
    f << "N_arr*N_lut = " << t.arrays << "*" << t.lutsPerArray << " = " << tables << " + mux " << muxes << " + acc 2*"
      << t.parallelOutputs << "*" << acc << " + ROM/ctrl " << roms + control << " + requant " << requant
      << "; cycles = " << (in.outPixels > 1 ? "pixels*" : "")
      << "D_s*B_a = " << (in.outPixels > 1 ? std::to_string(in.outPixels) + "*" : "") << t.steps << "*"
      << in.activationBits;
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
