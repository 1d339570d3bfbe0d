#pragma once
// Canonical signed digits (non-adjacent form) of an integer: w = sum_k sign_k * 2^shift_k with no two non-zero
// digits adjacent, so the fewest non-zero digits of any signed-digit form (about a third of the bits). The adder
// graph (arch/adder_graph/graph.h) starts from these digits: a product w * x is one term per digit.

#include <cstdint>
#include <vector>

namespace luthier::arch::adder_graph {

struct Digit {
    int shift = 0;
    int sign = 1; // +1 or -1
    bool operator==(const Digit&) const = default;
};

// The non-zero digits of w, least significant first; empty for 0. |w| < 2^62.
std::vector<Digit> csd(int64_t w);

} // namespace luthier::arch::adder_graph
