#pragma once
// The integer weights of one Dense/Conv layer as hardware sees them, taken from the layer's float weights and
// its weight quantiser (the same rounding QONNX and the integer lowering apply), plus the activation format
// that feeds the layer. Everything in core/analysis works on these.

#include "ir/graph.h"

#include <cstdint>
#include <vector>

namespace luthier::analysis {

struct IntWeights {
    std::vector<int32_t> values; // layout of ir::Layer::weight: {out, in} or {out, in/groups, kh, kw}
    int64_t outChannels = 0;
    int64_t inPerGroup = 0; // Dense: inputs; Conv: input channels per conv group
    int64_t kernelH = 1, kernelW = 1;
    int64_t convGroups = 1;
    int bits = 0;
    bool isSigned = true;
    bool bipolar = false;
    ir::WeightScheme scheme = ir::WeightScheme::Uniform;

    int64_t fanIn() const { return inPerGroup * kernelH * kernelW; } // weights per output
    int32_t at(int64_t out, int64_t fanInIndex) const { return values[size_t(out * fanIn() + fanInIndex)]; }
};

// Integer weights of layer `layer` (Dense or Conv with a quantised weightQuant). Throws luthier::Error naming the
// layer when its weights are float, its shape is not the IR's, or its zero point is not an integer.
IntWeights integerWeights(const ir::Layer& layer);

// The quantiser of the activations entering layer `index`: the last quantiser on the path back through layers that
// only move or select values (Flatten, Reshape, Transpose, MaxPool, Resize, Concat). nullptr when they are float.
const ir::QuantSpec* inputActivationQuant(const ir::Graph& graph, int index);

// Activations entering layer `index` per sample (the producer's output element count).
int64_t inputElements(const ir::Graph& graph, int index);

} // namespace luthier::analysis
