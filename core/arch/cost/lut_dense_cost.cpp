// LUT-Dense (HGQ-LUT): a private table per (input, output) pair with a non-zero weight, index width m = B_a and
// data width n = B_w + B_a; the HGQ-LUT surrogate n*2^(m-6) LUT6 for m >= 6 and n*m/10 below, plus n adder LUTs
// per table. Zero weights are pruned pairs.

#include "arch/cost/cost.h"
#include "arch/cost/requant.h"

#include <sstream>

namespace luthier::arch::cost {

Cost lutDenseCost(const CostInput& in)
{
    Cost c;
    c.kind = ir::TemplateKind::LutDense;
    const int m = in.activationBits;
    const int n = in.weightBits + in.activationBits;
    // The surrogate is calibrated for LUT6; other fabrics use the plain table size. Kept in tenths of a LUT so
    // the n*m/10 term sums exactly.
    int64_t tenthsPerTable = 0;
    if (in.lutInputs == 6)
        tenthsPerTable = m >= 6 ? 10 * (int64_t(n) << (m - 6)) : int64_t(n) * m;
    else
        tenthsPerTable = 10 * tableLuts(m, n, in.lutInputs);
    const int64_t pairs = in.nonZeroWeights * in.outPixels;
    const int acc = accumulatorBits(in);
    const int64_t outputs = in.outChannels * in.outPixels;
    const int64_t requant = outputs * thresholdsPerOutput(in) * constantComparatorLuts(acc);
    c.lut = (pairs * (tenthsPerTable + 10 * n) + 9) / 10 + requant;
    c.ff = outputs * (acc + in.outputBits);
    c.cycles = 1;
    std::ostringstream f;
    const char* table = in.lutInputs != 6 ? "n*2^max(0,m-K)" : (m >= 6 ? "n*2^(m-6)" : "n*m/10");
    f << pairs << " tables * (" << table << " + n), m=" << m << " n=" << n << ", + requant " << requant
      << "; 1 inference/clock";
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
