// DSP MAC baseline, folded: `lanes` DSP48 slices each do one multiply-accumulate per clock (wider operands than
// 27x18 take several slices); weights and activations stream from RAM; LUTs only for address counters and
// the threshold comparison of each lane's result.

#include "arch/cost/cost.h"

#include <algorithm>
#include <sstream>

namespace luthier::arch::cost {

Cost dspCost(const CostInput& in)
{
    Cost c;
    c.kind = TemplateKind::Dsp;
    const int64_t lanes = std::max<int64_t>(1, std::min(in.parallelism, in.macs()));
    const int64_t perLane = int64_t((in.weightBits + 26) / 27) * ((in.activationBits + 17) / 18);
    const int acc = accumulatorBits(in);
    const int counter = ceilLog2(in.macs());
    c.dsp = lanes * perLane;
    c.lut = 2 * counter + (in.outputBits > 0 ? lanes * acc : 0);
    c.ff = lanes * (in.weightBits + in.activationBits) + counter;
    addMemory(c, in.weightCount() * in.weightBits, in.lutInputs);
    addMemory(c, in.inputElements * in.activationBits, in.lutInputs);
    c.cycles = (in.macs() + lanes - 1) / lanes;
    std::ostringstream f;
    f << lanes << " lanes * " << perLane << " DSP; cycles = MACs/lanes = " << in.macs() << "/" << lanes
      << "; weights in RAM";
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
