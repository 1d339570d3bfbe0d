#pragma once
// A dense layer on the adder-graph template: the graph of S = W * code over the layer's unsigned input codes and
// where its pipeline registers go. The mapper (arch/map_adder_graph.cpp) costs exactly what the RTL emitter
// (rtl/emit_adder_graph.cpp) writes, both from these functions.

#include "arch/adder_graph/graph.h"
#include "arch/hw_design.h"

#include <vector>

namespace luthier::arch::adder_graph {

// The graph of the layer's weights over input codes in [0, 2^inputBits - 1], depth bound d.adderDepth.
Graph layerGraph(const DenseDatapath& d);

// Registers after every `every` adder levels (0: none). Node n is computed in stage stage[n] (inputs 0, an adder
// at depth k (k - 1) / every); the outputs are read in stage `stages` (the graph depth / every, as the adder trees
// of the other parallel templates); a node read `delays[n]` stages after its own is carried there through that
// many registers.
struct Pipeline {
    int stages = 0;
    std::vector<int> stage, delays;
};
Pipeline pipeline(const Graph& g, int every);

// Width of node n's net: two's complement of its range, at least 1 bit.
int nodeWidth(const Graph& g, int32_t node);

// LUTs of adder node n as Yosys builds it on a carry chain: one per result bit, except the low bits where the
// shifted operand is zero and the other passes through unchanged (an added operand; a subtracted one still needs
// its borrow).
int64_t adderLuts(const Graph& g, int32_t node);

} // namespace luthier::arch::adder_graph
