// Adder graph (da4ml-style constant matrix-vector product, arch/adder_graph): the analytic model, used only where
// the compiler does not map the layer (the statistics show the mapped estimate otherwise). Without the weights it
// cannot know the sharing, so it counts the graph without any: every weight's canonical signed digits (about
// B_w / 3 + 1 of them) are one term, each output adds its terms on a carry chain as wide as the accumulator (one
// LUT per bit on LUT6 + CARRY4 and on iCE40's LUT4 + SB_CARRY alike). An upper bound: sharing removes a third to a
// half of these adders on dense 8-bit matrices (bench_adder_graph).

#include "arch/cost/cost.h"
#include "arch/cost/requant.h"

#include <algorithm>
#include <sstream>

namespace luthier::arch::cost {

Cost adderGraphCost(const CostInput& in)
{
    Cost c;
    c.kind = ir::TemplateKind::AdderGraph;
    const int acc = accumulatorBits(in);
    const int64_t digits = in.nonZeroWeights * (in.weightBits / 3 + 1);
    const int64_t adders = in.outPixels * std::max<int64_t>(0, digits - in.outputsWithWeights);
    const int64_t outputs = in.outChannels * in.outPixels;
    const int64_t requant = outputs * thresholdsPerOutput(in) * constantComparatorLuts(acc);
    c.lut = adders * acc + requant;
    c.ff = in.inputElements * in.activationBits + outputs * (acc + in.outputBits);
    c.cycles = 1;
    std::ostringstream f;
    f << "unshared adders " << adders << " (digits - outputs) * " << acc << " bits + requant " << requant
      << "; an upper bound (sharing not modelled); 1 inference/clock";
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
