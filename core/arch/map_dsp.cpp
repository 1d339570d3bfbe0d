// DSP MAC baseline (DESIGN.md section 5), folded: P lanes each multiply one weight by one input code per clock
// and accumulate; the multiplier is a plain `*` that synthesis maps to a DSP48 slice when the product is wide
// enough (Yosys synth_xilinx: at least 9 product bits) and to LUTs otherwise. RTL: rtl/emit_dsp_mac.cpp.

#include "arch/map_dense.h"
#include "arch/tlmac/layer_units.h"
#include "arch/tlmac/plan.h"

#include <algorithm>

namespace luthier::arch {

// Yosys maps a multiplier to DSP48 only when its result has at least this many bits (DSP_Y_MINWIDTH).
inline constexpr int kDspMinProductBits = 9;

void mapDspDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    DenseDatapath d = denseDatapath(source, options);
    d.parallel = int(std::clamp<int64_t>(options.foldedLanes, 1, d.outputs));
    const int k = options.tlmac.lutInputs;
    const int64_t blocks = (d.outputs + d.parallel - 1) / d.parallel, depth = blocks * d.inputs;
    const int productBits = d.weightBits + d.inputBits + 1;

    Resources r;
    if (productBits >= kDspMinProductBits)
        r.dsp = d.parallel;
    else // a small multiplier in LUTs: about one LUT per partial-product bit
        r.lut += int64_t(d.parallel) * d.weightBits * d.inputBits;
    hw.accumulators.clear();
    for (int p = 0; p < d.parallel; ++p) {
        hw.accumulators.push_back({ p, d.accBits, d.accBits, d.accBits });
        r.lut += d.accBits;
        r.ff += d.accBits + d.weightBits;
        r.carry += (d.accBits + 3) / 4;
    }
    const int64_t romLuts = int64_t(d.parallel) * d.weightBits * tlmac::romLutsPerBit(depth, k);
    hw.roms = { { "weights", depth, int64_t(d.parallel) * d.weightBits, "", romLuts } };
    r.lut += romLuts + int64_t(d.inputBits) * tlmac::muxLutsPerBit(d.inputs, k);
    r.ff += d.inputs * d.inputBits + d.inputBits; // input register, registered code
    if (blocks > 1)
        r.ff += d.outputs * d.accBits;
    const int64_t counters = tlmac::unsignedBitsFor(d.inputs) + tlmac::unsignedBitsFor(blocks) + tlmac::unsignedBitsFor(depth);
    r.lut += 2 * counters;
    r.ff += counters + 8;
    r += denseOutputResources(d, d.outputs);

    hw.kind = TemplateKind::Dsp;
    hw.estimate = r;
    hw.cycles = depth + 3;
    hw.interval = depth + 5;
    setDensePorts(hw, d, d.outputs);
    hw.dense = std::move(d);
}

} // namespace luthier::arch
