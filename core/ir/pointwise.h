#pragma once
// Element-wise operations that follow a layer's main operation (its "epilogue"): folded batch norm,
// scalar/per-channel Mul/Add/Sub/Div, activations and quantisers. Keeping them as an ordered list is
// what lets the integer lowering compose them into per-channel thresholds.

#include "ir/quant_spec.h"

#include <cstdint>
#include <vector>

namespace luthier::ir {

enum class PointwiseKind {
    Affine, // y = x * mul[c] + add[c]   (folded BatchNormalization, Mul/Add/Sub/Div by constants)
    Relu,
    LeakyRelu, // y = x >= 0 ? x : alpha * x
    Clip, // y = clamp(x, lo, hi)   (also HardTanh)
    Quant, // QONNX quantiser (quant.apply): output stays a real value on the quantisation lattice
    Quantize, // ONNX QuantizeLinear: output is the integer level (quant.toInt), e.g. uint8 0..255
    Dequantize, // ONNX DequantizeLinear: (x - zeroPoint) * scale
    // FINN/QONNX MultiThreshold: y = mul * #{k : thresholds[c][k] <= x} + add. `quant` describes the
    // output lattice (scale mul, levels 0..N shifted by add / mul) so lowering treats it as a quantiser.
    MultiThreshold,
};

struct PointwiseOp {
    PointwiseKind kind = PointwiseKind::Affine;
    std::vector<double> mul; // Affine: one value or one per channel
    std::vector<double> add;
    double alpha = 0.0; // LeakyRelu
    double lo = 0.0, hi = 0.0; // Clip
    QuantSpec quant; // Quant, Quantize, Dequantize; MultiThreshold: its output lattice
    std::vector<std::vector<double>> thresholds; // MultiThreshold: one ascending row, or one per channel

    // Evaluate on one value of channel `c` (channel index along the owning layer's channel axis).
    double apply(double x, int64_t c) const;
    const char* name() const;
};

// Evaluate a whole epilogue. Used by the float executor and by threshold computation alike, so that the
// integer golden model equals the float model by construction.
double applyAll(const std::vector<PointwiseOp>& ops, double x, int64_t c);

// +1 non-decreasing, -1 non-increasing, 0 not monotone (e.g. LeakyRelu with a negative slope).
int monotoneDirection(const std::vector<PointwiseOp>& ops, int64_t c);

} // namespace luthier::ir
