#pragma once
// The integer network that hardware computes and the golden model executes (DESIGN.md section 3).
// Produced by lowerToInteger() from an ir::Graph; every arithmetic step here is exact integer math,
// and every float parameter of the model has been folded into integer weights or thresholds.

#include "ir/graph.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace luthier::quant {

// value = scale[c] * (q - zeroPoint[c]) for integer q in [minInt, maxInt].
struct IntFormat {
    int bits = 0;
    bool isSigned = true;
    bool bipolar = false; // q in {-1, +1}, stored in hardware as one bit (0 -> -1, 1 -> +1)
    int64_t minInt = 0, maxInt = 0;
    std::vector<double> scale { 1.0 };
    std::vector<double> zeroPoint { 0.0 };
    int axis = 0;

    // The unsigned code hardware stores for q (q - minInt; bipolar: 0/1), and back.
    uint64_t codeOf(int64_t q) const { return bipolar ? uint64_t(q > 0) : uint64_t(q - minInt); }
    int64_t valueOf(uint64_t code) const { return bipolar ? (code ? 1 : -1) : int64_t(code) + minInt; }
    int64_t maxCode() const { return bipolar ? 1 : maxInt - minInt; }
    int codeBits() const; // bits of a hardware code: the smallest b with 2^b > maxCode()
    double dequantise(int64_t q, int64_t c) const;
    // The integer q whose dequantised value is `value` (a value on this format's lattice, e.g. what a
    // quantiser returned); throws luthier::Error when `value` is off the lattice.
    int64_t latticeIndex(double value, int64_t c) const;
    bool perChannel() const { return scale.size() > 1 || zeroPoint.size() > 1; }
    double scaleAt(int64_t c) const { return scale.size() == 1 ? scale[0] : scale[size_t(c)]; }
    double zeroPointAt(int64_t c) const { return zeroPoint.size() == 1 ? zeroPoint[0] : zeroPoint[size_t(c)]; }
};

// Requantisation of an exact accumulator to the next layer's integer by per-channel thresholds:
// q = minInt + #{k : direction[c] * acc >= levels[c][k]}   (bipolar: -1 or +1 by the single threshold)
// Computed once from the float parameters (scales, bias, folded BN, activation, quantiser).
struct Thresholds {
    std::vector<int8_t> direction; // per channel: +1, or -1 where the epilogue is decreasing
    std::vector<std::vector<int64_t>> levels; // per channel, ascending
    IntFormat out;

    int64_t apply(int64_t acc, int64_t c) const;
};

// The accumulator each kind computes (q = input integers, z = padValue, the input's zero point):
//   Dense/Conv: acc = sum w * (q - z) (padding contributes 0); AvgPool/GlobalAvgPool: acc = sum (q - z);
//   Add: acc = sum_j multipliers[j] * (q_j - zeroPoints[j]);
//   MaxPool, Pointwise, Flatten, Reshape, Transpose, Resize, Concat: the moved integer q itself; when such
//   a layer requantises, acc = q - z. Softmax passes its input integers through (argmax in hardware).
struct IntLayer {
    int source = -1; // index of the ir::Graph layer this lowers
    ir::LayerKind kind = ir::LayerKind::Pointwise;
    std::vector<int> inputs; // indices into IntGraph::layers
    ir::Shape outShape;
    int channelAxis = 0;

    // Dense / Conv: integer weights in the float weight's layout ({out, in} or {out, in/g, kh, kw}).
    std::vector<int32_t> weights;
    ir::Shape weightShape;
    int weightBits = 0;
    bool weightSigned = true;
    ir::WeightScheme weightScheme = ir::WeightScheme::Uniform;
    // Dense with learned tables: acc = sum_i T_oi[code of q_i] replaces sum w * (q - z); `weights` stay the
    // model's (statistics read them) but compute nothing.
    std::shared_ptr<const ir::LearnedTables> tables;
    ir::Window window; // Conv, pools
    int64_t padValue = 0; // the integer that represents real 0 in the input (its zero point)

    // Add: acc = sum_j multipliers[j] * q_j (exact rational alignment of the input scales).
    // Concat with inputs of different formats: part j holds multipliers[j] * (q_j - zeroPoints[j]);
    // Add likewise subtracts zeroPoints[j] from q_j first. Empty for Concat: the integers are copied.
    std::vector<int64_t> multipliers;
    std::vector<int64_t> zeroPoints;
    std::vector<int64_t> perm; // Transpose
    int axis = 0; // Concat, Softmax
    std::vector<double> resizeScales;

    // Output. With requant: an integer in requant->out. Without: the raw accumulator, whose real value is
    // applyAll(accEpilogue, accScale[c] * acc + accBias[c], c) (final layers feeding outputs / softmax).
    std::optional<Thresholds> requant;
    std::vector<double> accScale, accBias;
    std::vector<ir::PointwiseOp> accEpilogue;
    int64_t accMin = 0, accMax = 0; // bounds of the accumulator over all possible inputs
    // Layers that output integers without requantising: data movement (Flatten, MaxPool, Concat of equal
    // formats, ...) carries its input's format; an accumulator with no epilogue and no bias is itself
    // an integer of scale accScale and range [accMin, accMax].
    std::optional<IntFormat> carried;

    const IntFormat* outFormat() const { return requant ? &requant->out : carried ? &*carried : nullptr; }
};

struct IntGraph {
    const ir::Graph* source = nullptr; // the graph this was lowered from (must outlive the IntGraph)
    std::vector<IntLayer> layers; // topological; layers[0] is the input
    std::vector<int> outputs;
    IntFormat inputFormat; // the integer input hardware receives
    // Float input -> integer input, in software: preprocessing and the input quantiser, per element of
    // the model's input tensor, channel along inputChannelAxis.
    std::vector<ir::PointwiseOp> inputQuantiser;
    int inputChannelAxis = 0;
    std::vector<std::string> notes; // decisions the lowering made (e.g. inserted input quantiser)
};

} // namespace luthier::quant
