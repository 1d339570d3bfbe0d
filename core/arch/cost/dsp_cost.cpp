// DSP MAC baseline, folded: `lanes` DSP48 slices each do one multiply-accumulate per clock (wider operands than
// 27x18 take several slices); weights and activations stream from RAM; LUTs for address counters, the
// threshold comparison of each lane's result, and the multipliers that synthesis keeps out of DSPs.

#include "arch/cost/cost.h"

#include <algorithm>
#include <sstream>

namespace luthier::arch::cost {

Cost dspCost(const CostInput& in)
{
    Cost c;
    c.kind = ir::TemplateKind::Dsp;
    const int64_t lanes = std::max<int64_t>(1, std::min(in.parallelism, in.macs()));
    const int64_t perLane = int64_t((in.weightBits + 26) / 27) * ((in.activationBits + 17) / 18);
    const int acc = accumulatorBits(in);
    const int counter = ceilLog2(in.macs());
    // As the compiler maps it (arch/map_dsp.cpp): narrow products, and every product on K = 4, go to LUTs.
    const bool onDsp = productOnDsp(in.weightBits, in.activationBits, in.lutInputs);
    const int64_t multiplier = multiplierLuts(in.weightBits, in.activationBits, in.lutInputs);
    c.dsp = onDsp ? lanes * perLane : 0;
    c.lut = 2 * counter + (in.outputBits > 0 ? lanes * acc : 0) + (onDsp ? 0 : lanes * multiplier);
    c.ff = lanes * (in.weightBits + in.activationBits) + counter;
    addMemory(c, in.weightCount() * in.weightBits, in.lutInputs);
    addMemory(c, in.inputElements * in.activationBits, in.lutInputs);
    c.cycles = (in.macs() + lanes - 1) / lanes;
    std::ostringstream f;
    if (onDsp)
        f << lanes << " lanes * " << perLane << " DSP";
    else
        f << lanes << " lanes * " << multiplier << " LUT multiplier (product under " << kDspMinProductBits
          << " bits or K = 4: no DSP)";
    f << "; cycles = MACs/lanes = " << in.macs() << "/" << lanes << "; weights in RAM";
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
