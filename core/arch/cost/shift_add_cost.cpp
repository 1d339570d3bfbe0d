// Shift-add (n-BQ-NN shift vector PE), folded: `lanes` PEs each take one weight code and one activation per
// clock; the product is the activation shifted by the weight's exponent (an S:1 multiplexer per output bit, S
// shift positions) and added to or subtracted from the accumulator. Weight codes live in RAM. Only for
// weights that are all 0 or +-2^e.

#include "arch/cost/cost.h"

#include <algorithm>
#include <sstream>

namespace luthier::arch::cost {

Cost shiftAddCost(const CostInput& in)
{
    if (!in.powerOfTwoWeights)
        return unavailableCost(
            ir::TemplateKind::ShiftAdd, "weights are not all 0 or +-2^e (use the pow2 weight scheme)");
    Cost c;
    c.kind = ir::TemplateKind::ShiftAdd;
    const int shifts = ceilLog2(int64_t(in.maxAbsWeight) + 1); // exponents 0 .. log2(max|w|)
    const int productBits = in.activationBits + std::max(0, shifts - 1);
    const int64_t lanes = std::max<int64_t>(1, std::min(in.parallelism, in.macs()));
    const int acc = accumulatorBits(in);
    const int64_t shifter = int64_t(productBits) * muxLuts(shifts, in.lutInputs);
    const int64_t perLane = shifter + acc; // add/subtract into the accumulator
    // Code per weight: sign, zero flag and exponent.
    const int codeBits = 2 + ceilLog2(shifts);
    c.lut = lanes * perLane + ceilLog2(in.macs()) * 2;
    c.ff = lanes * (acc + productBits + codeBits);
    addMemory(c, in.weightCount() * codeBits, in.lutInputs);
    addMemory(c, in.inputElements * in.activationBits, in.lutInputs);
    c.cycles = (in.macs() + lanes - 1) / lanes;
    std::ostringstream f;
    f << lanes << " lanes * (shifter " << productBits << "b*" << shifts << ":1 = " << shifter << " + acc " << acc
      << "); cycles = MACs/lanes = " << in.macs() << "/" << lanes;
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
