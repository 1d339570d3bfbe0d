#pragma once
// The network IR after import and clean-up: layers in topological order, per-sample shapes,
// float parameters with their quantisers. Names are raw model text (untrusted): sanitise where emitted.

#include "ir/learned_tables.h"
#include "ir/pointwise.h"
#include "ir/quant_spec.h"
#include "ir/shape.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace luthier::ir {

enum class LayerKind {
    Input, // the model input; its epilogue holds preprocessing and the input quantiser
    Dense, // y[o] = sum_i W[o][i] x[i] + b[o] along the last axis; weight shape {out, in}
    Conv, // 2-D (1-D as H = 1) convolution, NCHW; weight shape {out, in/groups, kh, kw}
    MaxPool,
    AvgPool,
    GlobalAvgPool,
    Add, // element-wise sum of two or more inputs (residuals)
    Concat,
    Pointwise, // only an epilogue (a quantiser or activation between other layers)
    Flatten,
    Reshape,
    Transpose,
    Resize, // nearest-neighbour upsampling
    Softmax, // output marker; argmax in hardware
};

const char* toString(LayerKind kind);
bool hasWeights(LayerKind kind); // Dense and Conv

struct FloatTensor {
    Shape shape;
    std::vector<float> data;
};

// Convolution and pooling windows over {H, W}.
struct Window {
    std::array<int64_t, 2> kernel { 1, 1 };
    std::array<int64_t, 2> stride { 1, 1 };
    std::array<int64_t, 2> padBegin { 0, 0 };
    std::array<int64_t, 2> padEnd { 0, 0 };
    std::array<int64_t, 2> dilation { 1, 1 };
    int64_t groups = 1;
    bool countIncludePad = false; // AvgPool
};

struct Layer {
    std::string name; // raw ONNX node name (or output tensor name when the node has none)
    std::string opType; // originating ONNX op, e.g. "MatMul", "qonnx.custom_op.channels_last:Conv"
    LayerKind kind = LayerKind::Pointwise;
    std::vector<int> inputs; // indices of producer layers in Graph::layers
    Shape outShape; // per sample, after the epilogue

    // Dense / Conv parameters.
    FloatTensor weight; // the model's float weights, before the weight quantiser
    QuantSpec weightQuant; // bits == 0: float weights (needs post-training quantisation)
    std::vector<double> bias; // empty when absent; already passed through its quantiser
    Window window; // Conv, MaxPool, AvgPool
    // Dense: trained tables that replace the products of the weights (set by a project override; shared
    // because a graph is copied per override change and the tables can be large).
    std::shared_ptr<const LearnedTables> learnedTables;

    // Dense imported from a FINN dataflow node (MVAU): the folding FINN chose, PE output channels and SIMD
    // inputs per cycle; 0 otherwise. Kept so that analysis can set FINN's schedule beside Luthier's.
    int64_t finnPe = 0, finnSimd = 0;

    std::vector<int64_t> perm; // Transpose (per-sample axes)
    int axis = 0; // Concat, Softmax (per-sample axis)
    std::vector<double> resizeScales; // Resize (per-sample axes)

    // Element-wise ops applied to the output, in order. Per-channel values run along `channelAxis`.
    std::vector<PointwiseOp> epilogue;
    int channelAxis = 0;

    // The last quantiser of the epilogue: this layer's output ("activation") quantisation, or nullptr.
    const QuantSpec* outputQuant() const;
    int64_t parameterCount() const; // weights + biases
    int64_t macs() const; // multiply-accumulates per sample
    int64_t outChannels() const;
};

struct Graph {
    std::string name; // model name (graph name or file stem)
    std::string sourcePath;
    std::string inputName, outputName; // ONNX tensor names
    Shape inputShape; // per sample, as the model declares it (e.g. NHWC for channels-last models)
    std::vector<Layer> layers; // topological order; layers[0] is the Input layer
    std::vector<int> outputs; // layers whose results are model outputs
    std::vector<std::string> notes; // what the clean-up passes did, for the user

    std::vector<int> consumers(int layer) const;
    int64_t totalParameters() const;
    int64_t totalMacs() const;
};

} // namespace luthier::ir
