// LUT-NA divide and conquer, weight stationary: every non-zero weight keeps a table of its multiples T_w[v] = v*w
// for k-bit chunks v (2^k entries of n_w + k bits); an n_a-bit activation takes ceil(n_a/k) lookups (one table
// copy each, so all chunks resolve in one clock) and ceil(n_a/k) - 1 shift-adders. Outputs sum their products in
// adder trees; convolutions process one output pixel per clock.

#include "arch/cost/cost.h"
#include "arch/cost/requant.h"

#include <algorithm>
#include <sstream>

namespace luthier::arch::cost {

std::vector<LutNaOption> lutNaOptions(const CostInput& in)
{
    std::vector<LutNaOption> options;
    const int nw = in.weightBits, na = in.activationBits;
    for (int k = 1; k <= std::min(na, 16); ++k) {
        LutNaOption o;
        o.k = k;
        o.storedBits = (int64_t(1) << k) * (nw + k);
        o.lookups = (na + k - 1) / k;
        o.adders = o.lookups - 1;
        o.luts = o.lookups * tableLuts(k, nw + k, in.lutInputs) + o.adders * (nw + na);
        options.push_back(o);
    }
    return options;
}

LutNaOption bestLutNaOption(const CostInput& in)
{
    const auto options = lutNaOptions(in);
    return *std::min_element(options.begin(), options.end(), [](const LutNaOption& a, const LutNaOption& b) {
        return a.luts != b.luts ? a.luts < b.luts : a.storedBits < b.storedBits;
    });
}

Cost lutNaCost(const CostInput& in)
{
    Cost c;
    c.kind = ir::TemplateKind::LutNa;
    const LutNaOption best = bestLutNaOption(in);
    const int acc = accumulatorBits(in);
    const int64_t adders = std::max<int64_t>(0, in.nonZeroWeights - in.outputsWithWeights) * acc;
    const int64_t requant = in.outChannels * thresholdsPerOutput(in) * constantComparatorLuts(acc);
    c.lut = in.nonZeroWeights * best.luts + adders + requant;
    c.ff = in.outChannels * (acc + in.outputBits);
    if (in.conv) addMemory(c, in.inputElements * in.activationBits, in.lutInputs);
    c.cycles = in.outPixels;
    std::ostringstream f;
    f << "best k=" << best.k << ": " << in.nonZeroWeights << " weights * (" << best.lookups << " lookups + "
      << best.adders << " adders = " << best.luts << ", " << best.storedBits << " bits) + adder trees " << adders
      << " + requant " << requant << "; cycles = " << (in.conv ? "pixels" : "1");
    c.formula = f.str();
    return c;
}

} // namespace luthier::arch::cost
