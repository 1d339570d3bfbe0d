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

    Resources r;
    const bool onDsp = cost::productOnDsp(d.weightBits, d.inputBits, k);
    if (onDsp)
        r.dsp = d.parallel;
    else
        r.lut += int64_t(d.parallel) * cost::multiplierLuts(d.weightBits, d.inputBits, k);
    const tlmac::FoldedRom rom = tlmac::foldedWeightRom(
        d, d.weightBits, [&d](int32_t w) { return uint64_t(w) & ((uint64_t(1) << d.weightBits) - 1); }, k);
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
    const int wordBits = d.weightBits, codeRegisterBits = onDsp ? 0 : d.inputBits;
    finishFoldedLayer(hw, ir::TemplateKind::Dsp, std::move(d), r, rom, wordBits, codeRegisterBits);
}

} // namespace luthier::arch
