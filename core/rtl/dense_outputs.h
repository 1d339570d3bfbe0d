#pragma once
// The output stage every non-TLMAC dense template shares: from an output's exact sum S (signed, accBits wide)
// to what the layer presents, all outputs in parallel. Requantised layers compare S with the folded threshold
// levels (docs/compiler.md section 2) and count; final layers without a quantiser output scale * S + offset.

#include "arch/hw_design.h"

#include <functional>
#include <sstream>
#include <string>

namespace luthier::rtl {

// Declares `wire [outBits-1:0] q_<o>` for every output o, given the name of the net holding S_o (accBits wide).
void emitDenseOutputs(std::ostringstream& v, const arch::DenseArithmetic& d, int64_t outputs,
    const std::function<std::string(int64_t)>& sumNet);

// `y <= {q_<outputs-1>, ..., q_0};` as the right-hand side: "{q_4, q_3, q_2, q_1, q_0}".
std::string packedOutputs(int64_t outputs);

} // namespace luthier::rtl
