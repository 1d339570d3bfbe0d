// DSP MAC baseline (DESIGN.md section 5), folded: P lanes each multiply one weight by one input code per clock
// and accumulate; the multiplier is a plain `*` that synthesis maps to a DSP48 slice when the product is wide
// enough (Yosys synth_xilinx: at least 9 product bits) and to LUTs otherwise (always for K = 4: synth_ice40 maps
// no DSP). RTL: rtl/emit_dsp_mac.cpp.

#include "arch/cost/cost.h"
#include "arch/map_dense.h"
#include "arch/tlmac/layer_units.h"
#include "arch/tlmac/plan.h"

#include <algorithm>

namespace luthier::arch {

void mapDspDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    d.parallel = int(std::clamp<int64_t>(options.foldedLanes, 1, d.outputs));
    const int k = options.tlmac.lutInputs;
    const int64_t blocks = (d.outputs + d.parallel - 1) / d.parallel, depth = blocks * d.inputs;

    Resources r;
    const bool onDsp = cost::productOnDsp(d.weightBits, d.inputBits, k);
    if (onDsp)
        r.dsp = d.parallel;
    else
        r.lut += int64_t(d.parallel) * cost::multiplierLuts(d.weightBits, d.inputBits, k);
    const tlmac::FoldedRom rom = tlmac::foldedWeightRom(d, d.weightBits, [&d](int32_t w) {
        return uint64_t(w) & ((uint64_t(1) << d.weightBits) - 1);
    }, k);
    hw.accumulators.clear();
    for (int p = 0; p < d.parallel; ++p) {
        // On a DSP48 Yosys packs the accumulator into the slice (post-adder and P register) and the registered
        // code into its A register: no fabric left for them. In the fabric, `(first1 ? 0 : acc) + product` is two
        // LUTs per bit in Yosys 0.23, synth_xilinx and synth_ice40 alike: the carry chain needs the selected
        // operand itself (CARRY4 DI, SB_CARRY I0), so the clear is a LUT of its own beside the adder's XOR LUT
        // (a hand-written 8-bit lane: 8 LUT2 + 8 LUT3; without the clear 8 LUT2).
        const int64_t luts = onDsp ? 0 : 2 * int64_t(d.accBits);
        hw.accumulators.push_back({ p, d.accBits, luts, onDsp ? 0 : d.accBits });
        if (!onDsp) {
            r.lut += luts;
            r.ff += d.accBits;
            r.carry += (d.accBits + 3) / 4;
        }
    }
    hw.roms = { { "weights", depth, int64_t(d.parallel) * d.weightBits, "", rom.luts } };
    r.lut += rom.luts + int64_t(d.inputBits) * tlmac::caseMuxLutsPerBit(d.inputs, k);
    r.bram += rom.brams;
    // Weight words (in block RAM the RAM's output register), input register, registered code.
    r.ff += rom.registerBits + d.inputs * d.inputBits + (onDsp ? 0 : d.inputBits);
    if (blocks > 1)
        r.ff += d.outputs * d.accBits;
    const int64_t counters = tlmac::unsignedBitsFor(d.inputs) + tlmac::unsignedBitsFor(blocks) + tlmac::unsignedBitsFor(depth);
    r.lut += 2 * counters;
    r.ff += counters + 8;
    r += d.raw ? tlmac::rawOutputResources(d, d.outputs, k) : denseOutputResources(d, d.outputs);

    hw.kind = ir::TemplateKind::Dsp;
    hw.estimate = r;
    hw.cycles = depth + 3;
    hw.interval = depth + 5;
    setDensePorts(hw, d, d.outputs);
    hw.dense = std::move(d);
}

} // namespace luthier::arch
