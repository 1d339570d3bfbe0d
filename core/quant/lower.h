#pragma once
// Integer lowering (DESIGN.md section 3): ir::Graph -> IntGraph. Weights become integers on their
// per-tensor or per-output-channel scale, every layer computes an exact int64 accumulator, and the
// float epilogue that ends in a quantiser becomes per-channel thresholds found by binary search over
// the accumulator range with the same ir::applyAll code the float executor runs. Hence the integer
// model equals the float model wherever the float model's own double sums are exact.

#include "quant/int_graph.h"

namespace luthier::quant {

// Bounds of that inserted input quantiser: the bit widths an imported Quant node may have, and fraction bits that
// keep its step a finite power of two. The project file checks the same bounds, so a project that loads lowers.
inline constexpr int kMinInputBits = 2, kMaxInputBits = 32;
inline constexpr int kMinInputFractionBits = -32, kMaxInputFractionBits = 64;

struct LowerOptions {
    // Models whose input has no quantiser get one: signed fixed point with these bits (recorded in notes).
    int inputBits = 16;
    int inputFractionBits = 10;
    // > 0: quantise float weights symmetrically per output channel with this many bits (narrow range,
    // scale = max|w| / (2^(b-1) - 1)). 0: float weights are an error naming the layer.
    int ptqWeightBits = 0;
    // Largest number of threshold levels per channel (2^bits - 1 for a b-bit output).
    int64_t maxLevels = int64_t(1) << 16;
};

// Throws luthier::Error naming the layer for anything it cannot lower exactly.
IntGraph lowerToInteger(const ir::Graph& graph, const LowerOptions& options = {});

// The integer format a QONNX quantiser produces, per-channel values along `axis`.
IntFormat formatOf(const ir::QuantSpec& quant, int axis);

// The weights the float model multiplies with: weightQuant applied per element (or the raw floats).
std::vector<double> effectiveWeights(const ir::Layer& layer);

} // namespace luthier::quant
