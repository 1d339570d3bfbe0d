// Shift-add (n-BQ-NN shift vector PE, DESIGN.md section 5), folded like the DSP baseline: P lanes, one input
// per clock, but every weight is 0 or +-2^e, so a product is the input code shifted by e and negated by the
// sign; no multiplier. RTL: rtl/emit_shift_add.cpp.

#include "arch/map_dense.h"
#include "arch/tlmac/layer_units.h"
#include "arch/tlmac/plan.h"
#include "util/error.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

namespace luthier::arch {

void mapShiftAddDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    int maxExponent = 0;
    for (int64_t i = 0; i < int64_t(d.weights.size()); ++i) {
        const int64_t w = std::llabs(int64_t(d.weights[size_t(i)]));
        if (w == 0) continue;
        if (w & (w - 1))
            throw Error("layer " + source.label + ": the shift-add template needs weights that are 0 or +-2^e, but "
                + "output " + std::to_string(i / d.inputs) + ", input " + std::to_string(i % d.inputs) + " has "
                + std::to_string(d.weights[size_t(i)]) + "; apply the power-of-two override (scheme=pow2, e.g. "
                + "`--set '*.scheme=pow2'` or \"weightScheme\": \"pow2\" in the project) or pick another template");
        int e = 0;
        while ((int64_t(1) << (e + 1)) <= w)
            ++e;
        maxExponent = std::max(maxExponent, e);
    }
    d.parallel = int(std::clamp<int64_t>(options.foldedLanes, 1, d.outputs));
    const int k = options.tlmac.lutInputs;
    const int exponentBits = tlmac::unsignedBitsFor(maxExponent);
    const int wordBits = 2 + exponentBits; // {non-zero, negative, exponent}
    const int productBits = d.inputBits + maxExponent + 1;

    // The word {non-zero, negative, exponent} of rtl/emit_shift_add.cpp.
    const auto encode = [exponentBits](int32_t w) -> uint64_t {
        if (w == 0) return 0;
        const uint64_t magnitude = uint64_t(std::llabs(int64_t(w)));
        return uint64_t(std::bit_width(magnitude) - 1) | uint64_t(w < 0) << exponentBits
            | uint64_t(1) << (exponentBits + 1);
    };
    const tlmac::FoldedRom rom = tlmac::foldedWeightRom(d, wordBits, encode, k);

    Resources r;
    hw.accumulators.clear();
    for (int p = 0; p < d.parallel; ++p) {
        // The accumulator `(first1 ? 0 : acc) + product` is two LUTs per bit in Yosys 0.23 (the clear feeds the
        // carry chain's operand input, so it is not merged into the adder's XOR LUT; see map_dsp.cpp).
        const int64_t accLuts = 2 * int64_t(d.accBits);
        hw.accumulators.push_back({ p, d.accBits, accLuts, d.accBits });
        // Shifter: an (maxExponent+1):1 multiplexer per product bit, and the negation one LUT per product bit. On
        // K = 4 synth_ice40 keeps Yosys' logarithmic shifter, one LUT4 per exponent bit per product bit (measured on
        // lone lanes: 6-bit codes with e <= 6 47 LUT4, 8-bit with e <= 7 64; the mux model said 78 and 96).
        const int64_t shifter = k != 4 ? tlmac::muxLutsPerBit(maxExponent + 1, k) : maxExponent > 0 ? exponentBits : 0;
        r.lut += int64_t(productBits) * shifter + productBits + accLuts;
        r.ff += d.accBits;
        r.carry += (d.accBits + 3) / 4 + (productBits + 3) / 4;
    }
    const int codeRegisterBits = d.inputBits;
    finishFoldedLayer(hw, ir::TemplateKind::ShiftAdd, std::move(d), r, rom, wordBits, codeRegisterBits);
}

} // namespace luthier::arch
