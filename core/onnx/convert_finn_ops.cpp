// FINN interop: the streamlined MultiThreshold activation and the fpgadataflow layers (MVAU, Thresholding)
// of FINN builds, imported as the same Dense layers and threshold epilogues every other model becomes.
// Semantics follow FINN's execute_node (qonnx multithreshold, MVAU / Thresholding), so that the golden
// model of an imported FINN graph is FINN's own.

#include "onnx/graph_builder.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace luthier::importer {

namespace {

constexpr std::string_view kFinnDataflowOps = "MVAU, MVAU_hls, MVAU_rtl, MatrixVectorActivation, Thresholding, "
                                              "Thresholding_hls, Thresholding_rtl";

bool isDataflowDomain(const std::string& domain)
{
    return domain.find("fpgadataflow") != std::string::npos;
}

bool isMvau(const std::string& op)
{
    return op == "MVAU" || op == "MVAU_hls" || op == "MVAU_rtl" || op == "MatrixVectorActivation";
}

bool isThresholding(const std::string& op)
{
    return op == "Thresholding" || op == "Thresholding_hls" || op == "Thresholding_rtl";
}

// "UINT4" -> 4 for prefix "UINT"; 0 when `name` is not prefix + a width in 1..32.
int widthAfter(const std::string& name, std::string_view prefix)
{
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() || name.size() > prefix.size() + 2) return 0;
    int bits = 0;
    for (size_t i = prefix.size(); i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return 0;
        bits = bits * 10 + (name[i] - '0');
    }
    return bits >= 1 && bits <= 32 ? bits : 0;
}

} // namespace

std::optional<ir::QuantSpec> finnDatatypeSpec(const std::string& name)
{
    ir::QuantSpec q;
    if (name == "BIPOLAR") {
        q.bits = 1;
        q.bipolar = true;
        return q;
    }
    if (name == "BINARY") {
        q.bits = 1;
        q.isSigned = false;
        return q;
    }
    if (name == "TERNARY") {
        q.bits = 2;
        q.narrow = true;
        return q;
    }
    if (const int bits = widthAfter(name, "UINT")) {
        q.bits = bits;
        q.isSigned = false;
        return q;
    }
    if (const int bits = widthAfter(name, "INT")) {
        q.bits = bits;
        return q;
    }
    return std::nullopt;
}

bool GraphBuilder::isFinnNode(const onnx::NodeProto& node)
{
    const std::string& d = node.domain();
    return isDataflowDomain(d)
        || (node.op_type() == "MultiThreshold" && d.find("custom_op.general") != std::string::npos);
}

std::string GraphBuilder::finnDatatypeName(const std::string& tensor) const
{
    for (const auto& annotation : m_graph.quantization_annotation())
        if (annotation.tensor_name() == tensor)
            for (const auto& entry : annotation.quant_parameter_tensor_names())
                if (entry.key() == "finn_datatype") return entry.value();
    return {};
}

std::optional<ir::QuantSpec> GraphBuilder::finnWeightSpec(const std::string& tensor) const
{
    bool finnGraph = false;
    for (const auto& node : m_graph.node())
        finnGraph = finnGraph || isFinnNode(node);
    if (!finnGraph) return std::nullopt; // annotations only carry FINN's meaning in FINN graphs
    return finnDatatypeSpec(finnDatatypeName(tensor));
}

void GraphBuilder::applyFinnInputDatatype()
{
    if (!finnWeightSpec(m_result.inputName)) return;
    // FINN feeds the integers of the input's datatype directly; quantising with that datatype at scale 1
    // maps each of them to itself and gives the hardware its input format.
    ir::PointwiseOp q;
    q.kind = ir::PointwiseKind::Quant;
    q.quant = *finnWeightSpec(m_result.inputName);
    m_result.layers[0].epilogue.push_back(q);
    m_values[m_result.inputName] = activation(0);
    m_result.notes.push_back("FINN input '" + m_result.inputName + "' takes " + finnDatatypeName(m_result.inputName)
        + " integers (its quantization_annotation)");
}

ir::PointwiseOp GraphBuilder::multiThreshold(
    const ConstTensor& thresholds, int64_t channels, double outScale, double outBias) const
{
    if (thresholds.shape.size() != 2)
        fail("thresholds of shape " + ir::toString(thresholds.shape) + " are not a {channels, steps} matrix");
    const int64_t rows = thresholds.shape[0], steps = thresholds.shape[1];
    if (rows != 1 && rows != channels)
        fail("thresholds for " + std::to_string(rows) + " channels, the input has " + std::to_string(channels));
    if (steps < 1) fail("thresholds with no steps");
    if (!(outScale > 0) || !std::isfinite(outScale) || !std::isfinite(outBias))
        fail("out_scale must be finite and positive, out_bias finite");
    ir::PointwiseOp op;
    op.kind = ir::PointwiseKind::MultiThreshold;
    op.mul = { outScale };
    op.add = { outBias };
    for (int64_t r = 0; r < rows; ++r) {
        std::vector<double> row(thresholds.values.begin() + r * steps, thresholds.values.begin() + (r + 1) * steps);
        if (std::any_of(row.begin(), row.end(), [](double t) { return std::isnan(t); }))
            fail("thresholds of channel " + std::to_string(r) + " contain NaN");
        if (!std::is_sorted(row.begin(), row.end()))
            fail("thresholds of channel " + std::to_string(r) + " are not ascending");
        op.thresholds.push_back(std::move(row));
    }
    // The output lattice: outScale * k + outBias for k in 0..steps.
    ir::QuantSpec& q = op.quant;
    if (steps == 1 && outScale == 2 && outBias == -1) {
        q.bits = 1;
        q.bipolar = true;
        return op;
    }
    const double offset = outBias / outScale;
    if (offset != std::round(offset))
        fail("out_bias / out_scale = " + std::to_string(offset)
            + " is not an integer, so the outputs are not on an integer lattice");
    q.bits = 1;
    while ((int64_t(1) << q.bits) - 1 < steps)
        ++q.bits;
    q.scale = { outScale };
    // FINN's INTn (-2^(n-1) .. 2^(n-1) - 1) and narrow INTn (from -2^(n-1) + 1) lattices read as such;
    // any other offset becomes an unsigned lattice with a zero point.
    const int64_t half = int64_t(1) << (q.bits - 1);
    const bool full = offset == -double(half) && steps == 2 * half - 1;
    const bool narrow = offset == -double(half - 1) && steps == 2 * half - 2;
    q.isSigned = full || narrow;
    q.narrow = narrow;
    q.zeroPoint = { q.isSigned ? 0.0 : -offset };
    return op;
}

void GraphBuilder::convertFinnNode(const onnx::NodeProto& node)
{
    const std::string& op = node.op_type();
    if (op == "MultiThreshold") return convertMultiThreshold(node);
    if (isMvau(op)) return convertMvau(node);
    if (isThresholding(op)) return convertThresholding(node);
    fail("FINN dataflow op '" + op + "' is not supported; supported FINN dataflow ops: " + std::string(kFinnDataflowOps)
        + ", and MultiThreshold from streamlined graphs");
}

void GraphBuilder::convertMultiThreshold(const onnx::NodeProto& node)
{
    const Value& in = input(node, 0);
    if (in.isConst) fail("the input must be an activation");
    const std::string layout = stringAttribute(node, "data_layout", "NCHW");
    int64_t onnxAxis = 1;
    if (layout == "NHWC" || layout == "NWC")
        onnxAxis = -1;
    else if (layout != "NCHW" && layout != "NC" && layout != "NCW")
        fail("data_layout '" + layout + "' is not supported (NCHW, NHWC, NC, NCW, NWC)");
    const int axis = storageAxis(in, onnxAxis);
    const int64_t channels = storageShape(in)[size_t(axis)];
    ir::PointwiseOp mt = multiThreshold(constInput(node, 1, "thresholds"), channels,
        floatAttribute(node, "out_scale", 1.0), floatAttribute(node, "out_bias", 0.0));
    const int channelAxis = mt.thresholds.size() > 1 ? axis : -1;
    setOutput(node, appendPointwise(in, inputName(node, 0), std::move(mt), channelAxis));
}

// FINN's activation after an MVAU or Thresholding: BIPOLAR outputs map the count k to 2k - 1, others add
// ActVal (Thresholding adds ActVal before the bipolar map, MVAU ignores it there).
std::pair<double, double> GraphBuilder::finnActivation(const onnx::NodeProto& node)
{
    const double actVal = double(intAttribute(node, "ActVal", 0));
    const bool bipolar = stringAttribute(node, "outputDataType", "") == "BIPOLAR";
    if (!bipolar) return { 1.0, actVal };
    return { 2.0, isThresholding(node.op_type()) ? 2.0 * actVal - 1.0 : -1.0 };
}

void GraphBuilder::convertMvau(const onnx::NodeProto& node)
{
    Value in = input(node, 0);
    if (in.isConst) fail("the input must be an activation");
    if (in.chw) in = toLogicalLayout(in);
    const ConstTensor& w = constInput(node, 1, "weights");
    const int64_t mw = intAttribute(node, "MW", 0), mh = intAttribute(node, "MH", 0);
    if (w.shape.size() != 2 || w.shape[0] != mw || w.shape[1] != mh)
        fail("weights of shape " + ir::toString(w.shape) + " do not match MW = " + std::to_string(mw)
            + ", MH = " + std::to_string(mh) + " (expected {MW, MH})");
    if (in.logical.empty() || in.logical.back() != mw)
        fail("input of shape " + ir::toString(in.logical) + " does not end in MW = " + std::to_string(mw));
    const int64_t pe = intAttribute(node, "PE", 1), simd = intAttribute(node, "SIMD", 1);
    if (pe < 1 || simd < 1 || mh % pe != 0 || mw % simd != 0)
        fail("folding PE = " + std::to_string(pe) + ", SIMD = " + std::to_string(simd)
            + " does not divide MH = " + std::to_string(mh) + ", MW = " + std::to_string(mw));
    const std::string inType = stringAttribute(node, "inputDataType", "");
    const std::string wType = stringAttribute(node, "weightDataType", "");
    const bool xnor = intAttribute(node, "binaryXnorMode", 0) != 0;
    const bool bipolarProduct = inType == "BIPOLAR" && wType == "BIPOLAR";
    if (xnor && !(inType == "BINARY" && wType == "BINARY"))
        fail("binaryXnorMode needs BINARY input and weights, got " + inType + " and " + wType);

    ir::Layer l;
    l.kind = ir::LayerKind::Dense;
    l.finnPe = pe;
    l.finnSimd = simd;
    l.inputs = { in.layer };
    l.outShape = in.logical;
    l.outShape.back() = mh;
    l.channelAxis = int(l.outShape.size()) - 1;
    l.weight.shape = { mh, mw };
    l.weight.data.resize(size_t(mh * mw));
    for (int64_t o = 0; o < mh; ++o)
        for (int64_t i = 0; i < mw; ++i)
            l.weight.data[size_t(o * mw + i)] = float(w.values[size_t(i * mh + o)]);
    std::vector<ir::PointwiseOp> epilogue;
    if (xnor) {
        // popcount(xnor(x, w)) = sum_i x_i (2 w_i - 1) + #{i : w_i = 0}: ±1 weights and a per-row bias.
        l.weightQuant.bits = 2;
        l.weightQuant.narrow = true;
        l.bias.assign(size_t(mh), 0.0);
        for (int64_t o = 0; o < mh; ++o)
            for (int64_t i = 0; i < mw; ++i) {
                float& v = l.weight.data[size_t(o * mw + i)];
                if (v != 0 && v != 1) fail("binaryXnorMode weight " + std::to_string(v) + " is not 0 or 1");
                l.bias[size_t(o)] += v == 0 ? 1.0 : 0.0;
                v = 2 * v - 1;
            }
    } else {
        const std::optional<ir::QuantSpec> spec = finnDatatypeSpec(wType);
        if (!spec) fail("weightDataType '" + wType + "' is not an integer FINN datatype");
        l.weightQuant = *spec;
        for (float v : l.weight.data)
            if (spec->apply(v, 0) != double(v)) fail("weight " + std::to_string(v) + " is not a " + wType + " value");
        if (bipolarProduct) {
            // FINN computes bipolar x bipolar products as XNOR-popcount: (x . w + MW) / 2.
            ir::PointwiseOp half;
            half.kind = ir::PointwiseKind::Affine;
            half.mul = { 0.5 };
            half.add = { double(mw) / 2.0 };
            epilogue.push_back(half);
        }
    }
    if (intAttribute(node, "noActivation", 0) == 0) {
        const auto [scale, bias] = finnActivation(node);
        epilogue.push_back(multiThreshold(constInput(node, 2, "thresholds"), mh, scale, bias));
    }
    l.epilogue = std::move(epilogue);
    Value out = activation(addLayer(std::move(l)));
    setOutput(node, out);
}

void GraphBuilder::convertThresholding(const onnx::NodeProto& node)
{
    const Value& in = input(node, 0);
    if (in.isConst) fail("the input must be an activation");
    const int axis = storageAxis(in, -1); // FINN dataflow tensors are channels-last
    const int64_t channels = storageShape(in)[size_t(axis)];
    const auto [scale, bias] = finnActivation(node);
    ir::PointwiseOp mt = multiThreshold(constInput(node, 1, "thresholds"), channels, scale, bias);
    const int channelAxis = mt.thresholds.size() > 1 ? axis : -1;
    setOutput(node, appendPointwise(in, inputName(node, 0), std::move(mt), channelAxis));
}

} // namespace luthier::importer
