#include "arch/adder_graph/csd.h"

namespace luthier::arch::adder_graph {

std::vector<Digit> csd(int64_t w)
{
    std::vector<Digit> digits;
    // Non-adjacent form: an odd remainder takes the digit (+1 or -1) that leaves a multiple of 4, so the next
    // digit is 0.
    for (int shift = 0; w != 0; ++shift, w /= 2) {
        if (w % 2 == 0) continue;
        const int sign = (w % 4 == 1 || w % 4 == -3) ? 1 : -1;
        digits.push_back({ shift, sign });
        w -= sign;
    }
    return digits;
}

} // namespace luthier::arch::adder_graph
