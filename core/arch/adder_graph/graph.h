#pragma once
// Adder graphs for a constant integer matrix times a vector (the adder-graph template, docs/compiler.md): y = W x
// computed by two-input adders and subtractors over shifted inputs, with subexpressions shared across the whole
// matrix. Every weight is first split into canonical signed digits (arch/adder_graph/csd.h), so each output is a
// signed sum of shifted inputs; then, as da4ml and hcmvm do, the most frequent two-term pattern
// (x_i << s) +- (x_j << t) (counted up to a common shift and sign) becomes a new node and replaces its
// occurrences in every output, until no pattern occurs twice; what is left of each output is summed in a tree
// that adds the shallowest terms first. Every node carries its exact integer range (interval arithmetic on the
// input range) and its adder depth. Pure and deterministic: the mapper and the RTL emitter build the same graph.

#include <cstdint>
#include <optional>
#include <vector>

namespace luthier::arch::adder_graph {

// (-1)^negative * (node << shift).
struct Operand {
    int32_t node = 0;
    int shift = 0;
    bool negative = false;
    auto operator<=>(const Operand&) const = default;
};

// Nodes [0, inputs) are the inputs x_i; every later node is the adder a + b (at least one of them positive, and
// the smaller shift is 0, so no node is a plain shift of another).
struct Node {
    Operand a, b;
    int depth = 0; // adders on the longest path from an input (inputs: 0)
    int64_t lo = 0, hi = 0; // exact range of the value over the input range
};

struct Graph {
    int64_t inputs = 0;
    std::vector<Node> nodes;
    std::vector<std::optional<Operand>> outputs; // y_o; nullopt: constant 0 (an all-zero row)

    int64_t adders() const { return int64_t(nodes.size()) - inputs; }
    int depth() const; // the deepest output's depth
    // y for one input vector (inputs values), exact in 64-bit integers.
    std::vector<int64_t> evaluate(const std::vector<int64_t>& x) const;
    // The range of an operand's value.
    std::pair<int64_t, int64_t> range(const Operand& o) const;
};

struct Options {
    int maxDepth = 0; // adder depth bound for every output; 0: none. Raised to the least feasible when below it.
};

// The graph for `weights` (rows x cols, row-major; |w| < 2^30) over inputs each in [inputLo, inputHi].
Graph build(const std::vector<int64_t>& weights, int64_t rows, int64_t cols, int64_t inputLo, int64_t inputHi,
    const Options& options = {});

// The least depth any adder graph of this matrix can have without sharing: per row, ceil(log2(digits)).
int minimumDepth(const std::vector<int64_t>& weights, int64_t rows, int64_t cols);

} // namespace luthier::arch::adder_graph
