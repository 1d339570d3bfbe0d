#pragma once
// Turns ONNX nodes (visited in topological order) into IR layers. Constants are folded as they appear;
// element-wise ops are fused into the producing layer's epilogue when nothing else reads the intermediate
// tensor; channels-last ops are computed in {C, H, W} storage with transposes only where the model's own
// layout becomes visible (graph output, Flatten/Reshape, unknown consumers).

#include "ir/graph.h"
#include "onnx/const_tensor.h"
#include "onnx/importer.h"
#include "util/error.h"

#include <map>
#include <onnx/onnx_pb.h>
#include <optional>
#include <string>
#include <vector>

namespace luthier::importer {

// A tensor flowing between nodes: either a constant or the output of a layer.
struct Value {
    bool isConst = false;
    ConstTensor constant;
    int layer = -1; // producing layer
    size_t epilogueSize = 0; // the producer's epilogue length when this value was produced
    ir::Shape logical; // per-sample shape as the ONNX model sees it
    bool chw = false; // logical is {H, W, C} but the data is stored {C, H, W}
};

// What GraphBuilder::fail throws: the message already names the file and node, so code that adds that
// context to other errors (constant folding) passes it through unchanged.
class NodeError : public Error {
public:
    using Error::Error;
};

class GraphBuilder {
public:
    GraphBuilder(
        const onnx::GraphProto& graph, std::string label, const ImportLimits& limits, const BoundInputs& bound);
    ir::Graph build();

private:
    // graph_builder.cpp: plumbing
    void declareInputs();
    void convertNode(const onnx::NodeProto& node);
    void finishOutputs();
    void pruneUnusedLayers();
    [[noreturn]] void fail(const std::string& reason) const;
    const Value& value(const std::string& name) const;
    const Value* optionalInput(const onnx::NodeProto& node, int index) const;
    // The name of a required input; a node without it fails with "missing input N" rather than reading
    // past the end of a protobuf field (the fuzzer's MaxPool with no inputs).
    const std::string& inputName(const onnx::NodeProto& node, int index) const;
    const Value& input(const onnx::NodeProto& node, int index) const { return value(inputName(node, index)); }
    void checkQuantParameters(const ir::QuantSpec& spec) const;
    const ConstTensor& constInput(const onnx::NodeProto& node, int index, const char* what) const;
    void setOutput(const onnx::NodeProto& node, Value v, int index = 0);
    Value activation(int layer) const; // the current output of a layer
    int addLayer(ir::Layer layer);
    ir::Shape storageShape(const Value& v) const;
    int storageAxis(const Value& v, int64_t onnxAxis) const; // ONNX axis (with batch) -> per-sample storage axis
    Value toLogicalLayout(const Value& v); // materialise a Transpose for a chw-tagged value
    Value toChw(const Value& v); // {H, W, C} -> {C, H, W} storage for a channels-last op
    // Append an element-wise op to the producer's epilogue when nothing else reads tensor `inputName`,
    // or start a Pointwise layer. channelAxis: storage axis of per-channel values, -1 for scalars.
    Value appendPointwise(const Value& in, const std::string& inputName, ir::PointwiseOp op, int channelAxis);
    std::optional<int> perChannelAxis(const Value& in, const ir::Shape& constShape) const;

    // fold_constants.cpp
    bool tryFoldConstant(const onnx::NodeProto& node);

    // convert_finn_ops.cpp
    static bool isFinnNode(const onnx::NodeProto& node); // MultiThreshold or a FINN fpgadataflow op
    void convertFinnNode(const onnx::NodeProto& node);
    void convertMultiThreshold(const onnx::NodeProto& node);
    void convertMvau(const onnx::NodeProto& node);
    void convertThresholding(const onnx::NodeProto& node);
    static std::pair<double, double> finnActivation(const onnx::NodeProto& node); // out_scale, out_bias
    ir::PointwiseOp multiThreshold(
        const ConstTensor& thresholds, int64_t channels, double outScale, double outBias) const;
    std::string finnDatatypeName(const std::string& tensor) const; // its quantization_annotation, or ""
    // The integer datatype FINN annotates `tensor` with, in a graph that has FINN ops; nullopt otherwise.
    std::optional<ir::QuantSpec> finnWeightSpec(const std::string& tensor) const;
    void applyFinnInputDatatype(); // the input quantiser a FINN graph's input annotation implies

    // convert_ops.cpp
    void convertLinear(const onnx::NodeProto& node);
    void convertConv(const onnx::NodeProto& node, bool channelsLast);
    void convertPool(const onnx::NodeProto& node, bool channelsLast);
    void convertElementwise(const onnx::NodeProto& node);
    void convertQuantiser(const onnx::NodeProto& node);
    void convertShapeOp(const onnx::NodeProto& node);
    void convertBinaryActivations(const onnx::NodeProto& node);
    void checkPads(const std::vector<int64_t>& pads) const;
    ir::PointwiseOp qlinearOutputQuantizer(const onnx::NodeProto& node) const;
    ir::QuantSpec quantSpecFor(const onnx::NodeProto& node, const ir::Shape& targetShape, bool constTarget) const;

    const onnx::GraphProto& m_graph;
    std::string m_label;
    ImportLimits m_limits;
    const BoundInputs& m_bound;
    const onnx::NodeProto* m_node = nullptr; // node being converted, for error messages
    std::map<std::string, Value> m_values;
    std::map<std::string, int> m_consumers; // tensor -> number of node inputs (and graph outputs) reading it
    ir::Graph m_result;
};

// A FINN datatype name ("BIPOLAR", "BINARY", "TERNARY", "INT4", "UINT2", ...) as a scale-1 quantiser;
// nullopt for FLOAT32 and other non-integer types (convert_finn_ops.cpp).
std::optional<ir::QuantSpec> finnDatatypeSpec(const std::string& name);

// Attribute helpers (node_attributes.cpp).
const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, const std::string& name);
int64_t intAttribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
double floatAttribute(const onnx::NodeProto& node, const std::string& name, double fallback);
std::string stringAttribute(const onnx::NodeProto& node, const std::string& name, const std::string& fallback);
std::vector<int64_t> intsAttribute(const onnx::NodeProto& node, const std::string& name);
std::vector<double> floatsAttribute(const onnx::NodeProto& node, const std::string& name);
std::string describeNode(const onnx::NodeProto& node); // "node 'Conv_0' (qonnx.custom_op.channels_last:Conv)"

} // namespace luthier::importer
