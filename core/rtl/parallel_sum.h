#pragma once
// The fully parallel layer that the unrolled, LUT-Dense and LUT-NA templates share: every product is its own
// piece of logic (combinational from the input register), each output adds its products in a balanced adder
// tree with pipeline registers every `pipelineEvery` levels, and the shared output stage (rtl/dense_outputs.h)
// requantises into the output register. One inference per clock: the whole pipeline advances whenever the
// output register is empty or being read (in_ready = !out_valid || out_ready).

#include "arch/hw_design.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace luthier::rtl {

// A signed net computed from the input register `x`, holding a value in [lo, hi]; declared by the template as
// `wire [signedBits(lo, hi)-1:0] <net>`.
struct SumTerm {
    std::string net;
    int64_t lo = 0, hi = 0;
};

struct ParallelBody {
    std::string description; // module header line(s), each starting with "// "
    std::string products; // Verilog declaring every product net (functions, wires)
    std::vector<std::vector<SumTerm>> terms; // per output: the products S_o is the sum of
};

std::string emitParallelLayer(const arch::HwLayer& layer, const ParallelBody& body);

// The end of a one-inference-per-clock module (parallel sums, adder graphs): `stages` + 1 valid bits that advance
// with the data whenever the output can move (`adv`), the data registers (`registers`: nonblocking assignments,
// after `x <= in_data`) and the packed outputs y of `outputs` s_o values, then endmodule.
void emitPipelineTail(std::ostream& v, int stages, const std::string& registers, int64_t outputs);

// Width of the two's complement net holding [lo, hi] (at least 1 bit).
int signedWidth(int64_t lo, int64_t hi);

} // namespace luthier::rtl
