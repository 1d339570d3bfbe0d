// Unrolled (LogicNets / HGQ-LUT style): every (input slice, unique weight group) pair gets its own table, adder
// trees sum an output's groups (one bit wider per level), and every output compares its accumulator with its thresholds
// in parallel. One inference per clock once the pipeline is full.

#include "arch/cost/cost.h"
#include "arch/cost/requant.h"

#include <algorithm>
#include <sstream>

namespace luthier::arch::cost {

namespace {

// LUTs of the table computing sum_g w_g * a_g for one weight group: either addressed by all G*B_a activation
// bits at once, or one G-bit table per activation bit-plane whose outputs are shift-added.
int64_t groupTableLuts(const CostInput& in, int sumBits)
{
    const int64_t full = tableLuts(in.groupSize * in.activationBits, sumBits, in.lutInputs);
    const int planeBits = in.weightBits + ceilLog2(in.groupSize);
    const int64_t planes = int64_t(in.activationBits) * tableLuts(in.groupSize, planeBits, in.lutInputs)
        + int64_t(in.activationBits - 1) * sumBits;
    return std::min<int64_t>(full, planes);
}

} // namespace

Cost unrolledCost(const CostInput& in)
{
    Cost c;
    c.kind = ir::TemplateKind::Unrolled;
    const int acc = accumulatorBits(in);
    const int sumBits = in.weightBits + in.activationBits + ceilLog2(in.groupSize);
    const int64_t perTable = groupTableLuts(in, sumBits);
    const int64_t tables = in.outPixels * in.uniqueSliceGroups;
    const int64_t outputs = in.outChannels * in.outPixels;
    const int64_t perTree = adderTreeLuts(in.groupsPerOutput, sumBits, acc);
    const int64_t adders = outputs * perTree;
    const int64_t requant = outputs * thresholdsPerOutput(in) * constantComparatorLuts(acc);
    c.lut = tables * perTable + adders + requant;
    c.ff = outputs * (acc + in.outputBits);
    c.cycles = 1;
    std::ostringstream f;
    f << "tables " << tables << " (pixels*unique slice groups) * " << perTable << " + adder trees " << outputs << "*"
      << perTree << " + requant " << requant << "; 1 inference/clock";
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
