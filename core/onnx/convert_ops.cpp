// Conversion of activation-carrying ONNX nodes into IR layers and epilogue ops.

#include "onnx/graph_builder.h"
#include "util/error.h"

#include <cmath>
#include <limits>

namespace luthier::importer {

namespace {

const char* kSupportedOps = "MatMul, Gemm, Conv (1-D/2-D, groups), MaxPool, AveragePool, GlobalAveragePool, Add, "
                            "Sub, Mul, Div (by constants), Relu, LeakyRelu, Clip, BatchNormalization, Concat, "
                            "Flatten, Reshape, Transpose, Resize/Upsample (nearest), Softmax, Identity, Dropout, "
                            "QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger, "
                            "MatMulInteger, QONNX Quant/IntQuant/BipolarQuant/Trunc, channels-last Conv/MaxPool, "
                            "and shape arithmetic on constants";

bool isQonnxDomain(const std::string& d)
{
    return d.find("custom_op.general") != std::string::npos || d.find("brevitas") != std::string::npos;
}

ir::RoundingMode roundingFromString(const std::string& s, const std::string& where)
{
    if (s == "HALF_EVEN") // an alias of ROUND that some exporters write
        return ir::RoundingMode::HalfEven;
    if (const std::optional<ir::RoundingMode> mode = ir::roundingFromString(s)) return *mode;
    throw Error(where + ": unknown rounding_mode '" + s + "'");
}

// Values of a per-channel constant, or its single value.
std::vector<double> channelValues(const ConstTensor& t)
{
    return t.values;
}

// Window attributes are untrusted: bound them so that shape arithmetic cannot overflow.
constexpr int64_t kMaxWindow = int64_t(1) << 20;

int64_t outputSize(
    int64_t in, int64_t kernel, int64_t stride, int64_t padBegin, int64_t padEnd, int64_t dilation, bool ceilMode)
{
    const int64_t span = dilation * (kernel - 1) + 1;
    const int64_t numer = in + padBegin + padEnd - span;
    if (numer < 0) return 0;
    return (ceilMode ? (numer + stride - 1) / stride : numer / stride) + 1;
}

} // namespace

ir::QuantSpec GraphBuilder::quantSpecFor(const onnx::NodeProto& node, const ir::Shape& target, bool) const
{
    ir::QuantSpec spec;
    const std::string& op = node.op_type();
    const std::string where = m_label + ": " + describeNode(node);
    auto axisOf = [&](const ConstTensor& c, const char* what) -> int {
        if (c.size() == 1) return -1;
        const auto axis = varyingAxis(c.shape, target);
        if (!axis)
            fail(std::string(what) + " of shape " + ir::toString(c.shape) + " does not broadcast per channel over "
                + ir::toString(target));
        return *axis;
    };
    if (op == "QuantizeLinear" || op == "DequantizeLinear") {
        const ConstTensor& scale = constInput(node, 1, "scale");
        const Value* zpValue = optionalInput(node, 2);
        if (zpValue && !zpValue->isConst) fail("zero point must be a constant");
        const ConstTensor* zp = zpValue ? &zpValue->constant : nullptr;
        spec.bits = 8;
        const int type = zp ? zp->elemType : onnx::TensorProto::UINT8;
        if (type == onnx::TensorProto::INT8)
            spec.isSigned = true;
        else if (type == onnx::TensorProto::UINT8)
            spec.isSigned = false;
        else if (type == onnx::TensorProto::INT32 && op == "DequantizeLinear") {
            spec.bits = 32;
            spec.isSigned = true;
        } else
            fail("zero point type " + onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(type))
                + " is not supported (int8/uint8)");
        spec.scale = channelValues(scale);
        spec.zeroPoint = zp ? channelValues(*zp) : std::vector<double> { 0.0 };
        if (scale.size() > 1) {
            int64_t axis = intAttribute(node, "axis", 1);
            if (axis < 0) axis += int64_t(target.size());
            if (axis < 0 || axis >= int64_t(target.size()) || target[size_t(axis)] != scale.size())
                fail("per-axis scale of " + std::to_string(scale.size()) + " values does not match axis "
                    + std::to_string(axis) + " of " + ir::toString(target));
            spec.axis = int(axis);
        }
    } else if (op == "BipolarQuant") {
        const ConstTensor& scale = constInput(node, 1, "scale");
        spec.bits = 1;
        spec.bipolar = true;
        spec.scale = channelValues(scale);
        spec.axis = axisOf(scale, "scale");
    } else { // QONNX Quant / IntQuant
        const ConstTensor& scale = constInput(node, 1, "scale");
        const ConstTensor& zp = constInput(node, 2, "zero point");
        const double bits = constInput(node, 3, "bit width").scalar();
        if (bits != std::floor(bits) || bits < 1 || bits > 32)
            fail("bit width " + std::to_string(bits) + " is not an integer in 1..32");
        spec.bits = int(bits);
        spec.isSigned = intAttribute(node, "signed", 1) != 0;
        spec.narrow = intAttribute(node, "narrow", 0) != 0;
        spec.rounding = roundingFromString(stringAttribute(node, "rounding_mode", "ROUND"), where);
        spec.bipolar = spec.isSigned && spec.bits == 1; // QONNX executes a 1-bit signed Quant as bipolar
        spec.scale = channelValues(scale);
        spec.zeroPoint = channelValues(zp);
        const int sAxis = axisOf(scale, "scale"), zAxis = axisOf(zp, "zero point");
        if (sAxis >= 0 && zAxis >= 0 && sAxis != zAxis) fail("scale and zero point vary along different axes");
        spec.axis = sAxis >= 0 ? sAxis : zAxis;
    }
    checkQuantParameters(spec);
    return spec;
}

// x / scale + zeroPoint must be a number for every finite x: a NaN zero point (or an infinite one, through
// inf - inf) makes it NaN, and converting NaN to an integer is undefined behaviour (found by the fuzzer).
void GraphBuilder::checkQuantParameters(const ir::QuantSpec& spec) const
{
    for (double s : spec.scale)
        if (!(s > 0) || !std::isfinite(s))
            fail("quantiser scale " + std::to_string(s) + " is not a positive finite number");
    for (double z : spec.zeroPoint)
        if (!std::isfinite(z)) fail("quantiser zero point " + std::to_string(z) + " is not a finite number");
}

// QLinearConv / QLinearMatMul end in QuantizeLinear(y_scale = input 6, y_zero_point = input 7).
ir::PointwiseOp GraphBuilder::qlinearOutputQuantizer(const onnx::NodeProto& node) const
{
    ir::PointwiseOp q;
    q.kind = ir::PointwiseKind::Quantize;
    q.quant.bits = 8;
    q.quant.scale = constInput(node, 6, "output scale").values;
    const ConstTensor& yzp = constInput(node, 7, "output zero point");
    q.quant.zeroPoint = yzp.values;
    q.quant.isSigned = yzp.elemType == onnx::TensorProto::INT8;
    checkQuantParameters(q.quant);
    return q;
}

void GraphBuilder::checkPads(const std::vector<int64_t>& pads) const
{
    for (int64_t p : pads)
        if (p < 0 || p > kMaxWindow) fail("pad " + std::to_string(p) + " is outside 0.." + std::to_string(kMaxWindow));
}

void GraphBuilder::convertNode(const onnx::NodeProto& node)
{
    m_node = &node;
    for (const auto& in : node.input())
        if (!in.empty()) value(in); // names a missing input with this node
    if (tryFoldConstant(node)) return;
    const std::string& op = node.op_type();
    const std::string& domain = node.domain();
    if (domain.find("channels_last") != std::string::npos) {
        if (op == "Conv") return convertConv(node, true);
        if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return convertPool(node, true);
        fail("unsupported channels-last op; supported: Conv, MaxPool, AveragePool, GlobalAveragePool");
    }
    if (isFinnNode(node)) return convertFinnNode(node);
    if (isQonnxDomain(domain)) {
        if (op == "Quant" || op == "IntQuant" || op == "BipolarQuant" || op == "Trunc") return convertQuantiser(node);
        fail("unsupported QONNX op; supported: Quant, IntQuant, BipolarQuant, Trunc");
    }
    if (!domain.empty() && domain != "ai.onnx")
        fail("unsupported op domain '" + domain + "'. Supported: " + kSupportedOps);
    if (op == "MatMul" || op == "Gemm" || op == "MatMulInteger" || op == "QLinearMatMul") return convertLinear(node);
    if (op == "Conv" || op == "ConvInteger" || op == "QLinearConv") return convertConv(node, false);
    if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return convertPool(node, false);
    if (op == "Relu" || op == "LeakyRelu" || op == "Clip" || op == "BatchNormalization" || op == "Identity"
        || op == "Dropout" || op == "Mul" || op == "Add" || op == "Sub" || op == "Div" || op == "QuantizeLinear"
        || op == "DequantizeLinear")
        return convertElementwise(node);
    if (op == "Concat" || op == "Flatten" || op == "Reshape" || op == "Transpose" || op == "Resize" || op == "Upsample"
        || op == "Softmax")
        return convertShapeOp(node);
    fail(std::string("unsupported op. Supported: ") + kSupportedOps);
}

void GraphBuilder::convertQuantiser(const onnx::NodeProto& node)
{
    const Value& in = input(node, 0);
    ir::Shape full = in.logical;
    full.insert(full.begin(), 1);
    ir::PointwiseOp op;
    op.kind = ir::PointwiseKind::Quant;
    if (node.op_type() == "Trunc") {
        // Trunc drops the low (in - out) bits of an already quantised value: a floor quantiser on the
        // coarser lattice scale * 2^(in - out).
        const ConstTensor& scale = constInput(node, 1, "scale");
        const ConstTensor& zp = constInput(node, 2, "zero point");
        const double inBits = constInput(node, 3, "input bit width").scalar();
        const double outBits = constInput(node, 4, "output bit width").scalar();
        if (scale.size() != 1 || zp.size() != 1 || zp.scalar() != 0)
            fail("Trunc is supported with a scalar scale and zero point 0");
        if (outBits < 1 || outBits > inBits) fail("Trunc output bit width must be in 1..input bit width");
        op.quant.bits = int(outBits);
        op.quant.isSigned = intAttribute(node, "signed", 1) != 0;
        op.quant.narrow = intAttribute(node, "narrow", 0) != 0;
        op.quant.rounding = roundingFromString(stringAttribute(node, "rounding_mode", "FLOOR"), describeNode(node));
        op.quant.scale = { scale.scalar() * std::ldexp(1.0, int(inBits - outBits)) };
    } else {
        op.quant = quantSpecFor(node, full, false);
    }
    int axis = -1;
    if (op.quant.axis >= 0) {
        axis = storageAxis(in, op.quant.axis);
        op.quant.axis = axis;
    }
    setOutput(node, appendPointwise(in, inputName(node, 0), std::move(op), axis));
}

void GraphBuilder::convertElementwise(const onnx::NodeProto& node)
{
    const std::string& op = node.op_type();
    if (op == "Identity" || op == "Dropout") {
        setOutput(node, input(node, 0));
        return;
    }
    const Value& in = input(node, 0);
    if (in.isConst && !(op == "Sub" || op == "Add" || op == "Mul")) fail("first input must be an activation");
    ir::PointwiseOp p;
    if (op == "Relu") {
        p.kind = ir::PointwiseKind::Relu;
        return setOutput(node, appendPointwise(in, inputName(node, 0), p, -1));
    }
    if (op == "LeakyRelu") {
        p.kind = ir::PointwiseKind::LeakyRelu;
        p.alpha = floatAttribute(node, "alpha", 0.01);
        return setOutput(node, appendPointwise(in, inputName(node, 0), p, -1));
    }
    if (op == "Clip") {
        p.kind = ir::PointwiseKind::Clip;
        p.lo = floatAttribute(node, "min", -std::numeric_limits<double>::infinity());
        p.hi = floatAttribute(node, "max", std::numeric_limits<double>::infinity());
        if (const Value* lo = optionalInput(node, 1)) p.lo = constInput(node, 1, "min").scalar(), (void)lo;
        if (const Value* hi = optionalInput(node, 2)) p.hi = constInput(node, 2, "max").scalar(), (void)hi;
        return setOutput(node, appendPointwise(in, inputName(node, 0), p, -1));
    }
    if (op == "BatchNormalization") {
        const ConstTensor& gamma = constInput(node, 1, "scale");
        const ConstTensor& beta = constInput(node, 2, "bias");
        const ConstTensor& mean = constInput(node, 3, "mean");
        const ConstTensor& var = constInput(node, 4, "variance");
        const double eps = floatAttribute(node, "epsilon", 1e-5);
        const int axis = storageAxis(in, 1);
        const int64_t channels = storageShape(in)[size_t(axis)];
        for (const ConstTensor* t : { &gamma, &beta, &mean, &var })
            if (t->size() != channels && t->size() != 1)
                fail("parameter of " + std::to_string(t->size()) + " values for " + std::to_string(channels)
                    + " channels");
        auto at = [](const ConstTensor& t, int64_t c) { return t.values[t.size() == 1 ? 0 : size_t(c)]; };
        p.kind = ir::PointwiseKind::Affine;
        for (int64_t c = 0; c < channels; ++c) {
            const double m = at(gamma, c) / std::sqrt(at(var, c) + eps);
            p.mul.push_back(m);
            p.add.push_back(at(beta, c) - at(mean, c) * m);
        }
        return setOutput(node, appendPointwise(in, inputName(node, 0), p, channels > 1 ? axis : -1));
    }
    if (op == "QuantizeLinear" || op == "DequantizeLinear") {
        ir::Shape full = in.logical;
        full.insert(full.begin(), 1);
        p.quant = quantSpecFor(node, full, false);
        int axis = -1;
        if (p.quant.axis >= 0) axis = p.quant.axis = storageAxis(in, p.quant.axis);
        p.kind = op == "QuantizeLinear" ? ir::PointwiseKind::Quantize : ir::PointwiseKind::Dequantize;
        // QuantizeLinear followed by DequantizeLinear with the same parameters is one fake quantiser (QDQ).
        ir::Layer& producer = m_result.layers[size_t(in.layer)];
        if (p.kind == ir::PointwiseKind::Dequantize && m_consumers[inputName(node, 0)] == 1
            && producer.epilogue.size() == in.epilogueSize && !producer.epilogue.empty()) {
            ir::PointwiseOp& last = producer.epilogue.back();
            if (last.kind == ir::PointwiseKind::Quantize && last.quant.scale == p.quant.scale
                && last.quant.zeroPoint == p.quant.zeroPoint) {
                last.kind = ir::PointwiseKind::Quant;
                Value out = in;
                return setOutput(node, out);
            }
        }
        return setOutput(node, appendPointwise(in, inputName(node, 0), p, axis));
    }
    // Binary arithmetic: two activations (Add only) or an activation and a constant.
    const Value& other = input(node, 1);
    if (!in.isConst && !other.isConst) {
        if (op != "Add") fail("element-wise " + op + " of two activations is not supported (only Add)");
        return convertBinaryActivations(node);
    }
    const bool actFirst = !in.isConst;
    const Value& act = actFirst ? in : other;
    const ConstTensor& c = actFirst ? other.constant : in.constant;
    const auto axis = perChannelAxis(act, c.shape);
    if (!axis)
        fail("constant of shape " + ir::toString(c.shape) + " does not broadcast along a single channel axis of "
            + ir::toString(act.logical));
    std::vector<double> values = c.values;
    p.kind = ir::PointwiseKind::Affine;
    if (op == "Mul") {
        p.mul = values;
    } else if (op == "Div") {
        if (!actFirst) fail("division of a constant by an activation is not supported");
        for (double& v : values)
            v = 1.0 / v;
        p.mul = values;
    } else if (op == "Add") {
        p.add = values;
    } else { // Sub
        if (actFirst) {
            for (double& v : values)
                v = -v;
            p.add = values;
        } else {
            p.mul = { -1.0 };
            p.add = values;
        }
    }
    // An Add right after a Dense/Conv becomes its bias (same arithmetic, clearer for users and hardware).
    const std::string& actName = actFirst ? inputName(node, 0) : inputName(node, 1);
    ir::Layer& producer = m_result.layers[size_t(act.layer)];
    if (op == "Add" && ir::hasWeights(producer.kind) && producer.epilogue.empty() && producer.bias.empty()
        && m_consumers[actName] == 1 && (*axis < 0 || *axis == producer.channelAxis)) {
        const int64_t channels = producer.outChannels();
        producer.bias.assign(size_t(channels), 0.0);
        for (int64_t ch = 0; ch < channels; ++ch)
            producer.bias[size_t(ch)] = values.size() == 1 ? values[0] : values[size_t(ch)];
        return setOutput(node, act);
    }
    setOutput(node, appendPointwise(act, actName, p, *axis));
}

void GraphBuilder::convertBinaryActivations(const onnx::NodeProto& node)
{
    Value a = input(node, 0);
    Value b = input(node, 1);
    if (a.chw != b.chw) {
        a = toLogicalLayout(a);
        b = toLogicalLayout(b);
    }
    if (a.logical != b.logical)
        fail("Add of shapes " + ir::toString(a.logical) + " and " + ir::toString(b.logical)
            + " (broadcasting between activations is not supported)");
    ir::Layer l;
    l.kind = ir::LayerKind::Add;
    l.inputs = { a.layer, b.layer };
    l.outShape = storageShape(a);
    Value out = activation(addLayer(std::move(l)));
    out.logical = a.logical;
    out.chw = a.chw;
    setOutput(node, out);
}

void GraphBuilder::convertLinear(const onnx::NodeProto& node)
{
    const std::string& op = node.op_type();
    Value in = toLogicalLayout(input(node, 0));
    if (in.isConst) fail("the first operand must be an activation (constant x activation products are not supported)");
    if (in.logical.empty()) fail("input has no per-sample axes");
    const int weightIndex = op == "QLinearMatMul" ? 3 : 1;
    ConstTensor w = constInput(node, weightIndex, "weights");
    if (w.shape.size() != 2)
        fail("weights of shape " + ir::toString(w.shape) + " are not a matrix"
            + (w.shape.size() == 3 ? std::string(" (one weight matrix per batch element is not supported)") : ""));
    ir::Layer l;
    l.kind = ir::LayerKind::Dense;
    bool transB = op == "Gemm" && intAttribute(node, "transB", 0) != 0;
    if (op == "Gemm" && intAttribute(node, "transA", 0) != 0) fail("Gemm with transA = 1 is not supported");
    if (!transB) w = transposed(w, { 1, 0 }); // to {out, in}
    const int64_t outs = w.shape[0], ins = w.shape[1];
    if (ins != in.logical.back())
        fail("weights expect " + std::to_string(ins) + " inputs, the input has " + std::to_string(in.logical.back()));
    if (w.quant && w.quant->axis == 1)
        fail("per-input-channel weight scales are not supported (scales must be per output or per tensor)");

    if (op == "MatMulInteger" || op == "QLinearMatMul") {
        const int zpIndex = op == "QLinearMatMul" ? 5 : 3;
        const Value* zp = optionalInput(node, zpIndex);
        ir::QuantSpec q;
        q.bits = 8;
        q.isSigned = w.elemType == onnx::TensorProto::INT8;
        q.scale = op == "QLinearMatMul" ? constInput(node, 4, "weight scale").values : std::vector<double> { 1.0 };
        q.zeroPoint = zp ? constInput(node, zpIndex, "weight zero point").values : std::vector<double> { 0.0 };
        q.axis = (q.scale.size() > 1 || q.zeroPoint.size() > 1) ? 0 : -1;
        w.raw = w.values; // stored integer levels map onto themselves through the quantiser
        for (size_t i = 0; i < w.raw.size(); ++i) {
            const int64_t ch = q.axis < 0 ? 0 : int64_t(i) / ins;
            w.raw[i] = (w.values[i] - q.zeroPointAt(ch)) * q.scaleAt(ch);
            w.values[i] = w.raw[i];
        }
        w.quant = q;
        // The input arrives as integers: subtract its zero point (and scale, for QLinearMatMul) first.
        ir::PointwiseOp deq;
        deq.kind = ir::PointwiseKind::Dequantize;
        deq.quant.bits = 8;
        deq.quant.scale
            = op == "QLinearMatMul" ? constInput(node, 1, "input scale").values : std::vector<double> { 1.0 };
        const Value* inZp = optionalInput(node, 2);
        deq.quant.zeroPoint = inZp ? constInput(node, 2, "input zero point").values : std::vector<double> { 0.0 };
        deq.quant.isSigned = inZp && constInput(node, 2, "input zero point").elemType == onnx::TensorProto::INT8;
        if (deq.quant.scale.size() > 1 || deq.quant.zeroPoint.size() > 1)
            fail("per-element input quantisation is not supported");
        in = appendPointwise(in, inputName(node, 0), deq, -1);
    }
    l.weight.shape = { outs, ins };
    l.weight.data.assign(
        w.raw.empty() ? w.values.begin() : w.raw.begin(), w.raw.empty() ? w.values.end() : w.raw.end());
    if (w.quant) l.weightQuant = *w.quant;
    if (!w.quant) // a FINN-streamlined MatMul keeps integer weights as floats with a datatype annotation
        if (const std::optional<ir::QuantSpec> finn = finnWeightSpec(inputName(node, weightIndex)))
            l.weightQuant = *finn;
    l.weightQuant.axis = l.weightQuant.scale.size() > 1 || l.weightQuant.zeroPoint.size() > 1 ? 0 : -1;
    l.inputs = { in.layer };
    // A sample with several axes ({positions, in}) is multiplied along its last axis, as MatMul does.
    l.outShape = in.logical;
    l.outShape.back() = outs;
    l.channelAxis = int(l.outShape.size()) - 1;
    if (op == "Gemm") {
        const double alpha = floatAttribute(node, "alpha", 1.0), beta = floatAttribute(node, "beta", 1.0);
        std::vector<double> bias;
        if (optionalInput(node, 2)) {
            const ConstTensor& c = constInput(node, 2, "bias");
            if (c.size() != outs && c.size() != 1)
                fail("bias of " + std::to_string(c.size()) + " values for " + std::to_string(outs) + " outputs");
            for (int64_t o = 0; o < outs; ++o)
                bias.push_back(beta * c.values[c.size() == 1 ? 0 : size_t(o)]);
        }
        if (alpha == 1.0) {
            l.bias = bias;
        } else {
            ir::PointwiseOp scale;
            scale.mul = { alpha };
            scale.add = bias.empty() ? std::vector<double> { 0.0 } : bias;
            l.epilogue.push_back(scale);
        }
    }
    if (op == "QLinearMatMul") l.epilogue.push_back(qlinearOutputQuantizer(node));
    setOutput(node, activation(addLayer(std::move(l))));
}

void GraphBuilder::convertConv(const onnx::NodeProto& node, bool channelsLast)
{
    const std::string& op = node.op_type();
    Value in = input(node, 0);
    if (in.isConst) fail("the convolution input must be an activation");
    in = channelsLast ? toChw(in) : toLogicalLayout(in);
    const ir::Shape inShape = storageShape(in);
    const bool oneD = inShape.size() == 2;
    if (inShape.size() != 3 && !oneD)
        fail("input has per-sample shape " + ir::toString(inShape) + "; expected {C, H, W} or {C, W}");
    const int weightIndex = op == "QLinearConv" ? 3 : 1;
    ConstTensor w = constInput(node, weightIndex, "weights");
    if (channelsLast) {
        if (w.shape.size() != 4) fail("channels-last weights must be OHWI (4-D), got " + ir::toString(w.shape));
        w = transposed(w, { 0, 3, 1, 2 });
    }
    if (oneD && w.shape.size() == 3) w.shape.insert(w.shape.begin() + 2, 1);
    if (w.shape.size() != 4) fail("weights of shape " + ir::toString(w.shape) + " are not {O, I/groups, kH, kW}");
    if (w.quant && w.quant->axis > 0) fail("weight scales must be per output channel or per tensor");
    const int64_t groups = intAttribute(node, "group", 1);
    const int64_t inC = inShape[0], outC = w.shape[0];
    if (groups < 1 || inC % groups || outC % groups || w.shape[1] * groups != inC)
        fail("weights " + ir::toString(w.shape) + " with group=" + std::to_string(groups) + " do not fit "
            + std::to_string(inC) + " input channels");
    ir::Layer l;
    l.kind = ir::LayerKind::Conv;
    ir::Window& win = l.window;
    win.groups = groups;
    win.kernel = { w.shape[2], w.shape[3] };
    auto two = [&](const char* name, int64_t fallback) -> std::array<int64_t, 2> {
        const std::vector<int64_t> v = intsAttribute(node, name);
        if (v.empty()) return { fallback, fallback };
        if (v.size() != (oneD ? 1u : 2u))
            fail(std::string(name) + " has " + std::to_string(v.size()) + " values for " + (oneD ? "1" : "2")
                + " spatial axes");
        for (int64_t x : v)
            if (x < 1 || x > kMaxWindow)
                fail(
                    std::string(name) + " value " + std::to_string(x) + " is outside 1.." + std::to_string(kMaxWindow));
        return oneD ? std::array<int64_t, 2> { fallback, v[0] } : std::array<int64_t, 2> { v[0], v[1] };
    };
    win.stride = two("strides", 1);
    win.dilation = two("dilations", 1);
    const std::vector<int64_t> pads = intsAttribute(node, "pads");
    checkPads(pads);
    if (!pads.empty()) {
        if (oneD) {
            win.padBegin = { 0, pads[0] };
            win.padEnd = { 0, pads.size() > 1 ? pads[1] : pads[0] };
        } else if (pads.size() == 4) {
            win.padBegin = { pads[0], pads[1] };
            win.padEnd = { pads[2], pads[3] };
        } else
            fail("pads must have 4 values for a 2-D convolution");
    }
    const int64_t h = oneD ? 1 : inShape[1], wd = oneD ? inShape[1] : inShape[2];
    const std::string autoPad = stringAttribute(node, "auto_pad", "NOTSET");
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        const std::array<int64_t, 2> in2 { h, wd };
        for (int i = 0; i < 2; ++i) {
            const int64_t out = (in2[size_t(i)] + win.stride[size_t(i)] - 1) / win.stride[size_t(i)];
            const int64_t total = std::max<int64_t>(0,
                (out - 1) * win.stride[size_t(i)] + win.dilation[size_t(i)] * (win.kernel[size_t(i)] - 1) + 1
                    - in2[size_t(i)]);
            win.padBegin[size_t(i)] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            win.padEnd[size_t(i)] = total - win.padBegin[size_t(i)];
        }
    } else if (autoPad != "NOTSET" && autoPad != "VALID")
        fail("unknown auto_pad '" + autoPad + "'");
    const int64_t oh
        = outputSize(h, win.kernel[0], win.stride[0], win.padBegin[0], win.padEnd[0], win.dilation[0], false);
    const int64_t ow
        = outputSize(wd, win.kernel[1], win.stride[1], win.padBegin[1], win.padEnd[1], win.dilation[1], false);
    if (oh <= 0 || ow <= 0) fail("the kernel does not fit the input " + ir::toString(inShape));

    if (op == "ConvInteger" || op == "QLinearConv") {
        const int zpIndex = op == "QLinearConv" ? 5 : 3;
        ir::QuantSpec q;
        q.bits = 8;
        q.isSigned = w.elemType == onnx::TensorProto::INT8;
        q.scale = op == "QLinearConv" ? constInput(node, 4, "weight scale").values : std::vector<double> { 1.0 };
        q.zeroPoint = optionalInput(node, zpIndex) ? constInput(node, zpIndex, "weight zero point").values
                                                   : std::vector<double> { 0.0 };
        q.axis = (q.scale.size() > 1 || q.zeroPoint.size() > 1) ? 0 : -1;
        const int64_t perOut = w.size() / outC;
        w.raw.resize(w.values.size());
        for (size_t i = 0; i < w.values.size(); ++i) {
            const int64_t ch = q.axis < 0 ? 0 : int64_t(i) / perOut;
            w.raw[i] = w.values[i] = (w.values[i] - q.zeroPointAt(ch)) * q.scaleAt(ch);
        }
        w.quant = q;
        ir::PointwiseOp deq;
        deq.kind = ir::PointwiseKind::Dequantize;
        deq.quant.bits = 8;
        deq.quant.scale = op == "QLinearConv" ? constInput(node, 1, "input scale").values : std::vector<double> { 1.0 };
        deq.quant.zeroPoint
            = optionalInput(node, 2) ? constInput(node, 2, "input zero point").values : std::vector<double> { 0.0 };
        deq.quant.isSigned
            = optionalInput(node, 2) && constInput(node, 2, "input zero point").elemType == onnx::TensorProto::INT8;
        if (deq.quant.scale.size() > 1 || deq.quant.zeroPoint.size() > 1)
            fail("per-element input quantisation is not supported");
        in = appendPointwise(in, inputName(node, 0), deq, -1);
        if (op == "QLinearConv" && optionalInput(node, 8)) {
            const ConstTensor& b = constInput(node, 8, "bias");
            for (int64_t o = 0; o < outC; ++o)
                l.bias.push_back(b.values[size_t(o)] * deq.quant.scale[0] * q.scaleAt(o));
        }
    } else if (optionalInput(node, 2)) {
        const ConstTensor& b = constInput(node, 2, "bias");
        if (b.size() != outC)
            fail("bias of " + std::to_string(b.size()) + " values for " + std::to_string(outC) + " output channels");
        l.bias = b.values;
    }
    l.weight.shape = w.shape;
    l.weight.data.assign(
        w.raw.empty() ? w.values.begin() : w.raw.begin(), w.raw.empty() ? w.values.end() : w.raw.end());
    if (w.quant) l.weightQuant = *w.quant;
    if (!w.quant) // a FINN-streamlined MatMul keeps integer weights as floats with a datatype annotation
        if (const std::optional<ir::QuantSpec> finn = finnWeightSpec(inputName(node, weightIndex)))
            l.weightQuant = *finn;
    l.weightQuant.axis = l.weightQuant.scale.size() > 1 || l.weightQuant.zeroPoint.size() > 1 ? 0 : -1;
    l.inputs = { in.layer };
    l.outShape = oneD ? ir::Shape { outC, ow } : ir::Shape { outC, oh, ow };
    if (op == "QLinearConv") l.epilogue.push_back(qlinearOutputQuantizer(node));
    Value out = activation(addLayer(std::move(l)));
    if (channelsLast) {
        out.chw = true;
        out.logical = { oh, ow, outC };
    }
    setOutput(node, out);
}

void GraphBuilder::convertPool(const onnx::NodeProto& node, bool channelsLast)
{
    for (const char* name : { "kernel_shape", "strides", "dilations" })
        for (int64_t x : intsAttribute(node, name))
            if (x < 1 || x > kMaxWindow)
                fail(
                    std::string(name) + " value " + std::to_string(x) + " is outside 1.." + std::to_string(kMaxWindow));
    checkPads(intsAttribute(node, "pads"));
    const std::string& op = node.op_type();
    Value in = input(node, 0);
    in = channelsLast ? toChw(in) : toLogicalLayout(in);
    const ir::Shape inShape = storageShape(in);
    if (inShape.size() != 3) fail("pooling needs a {C, H, W} input, got " + ir::toString(inShape));
    if (node.output_size() > 1 && !node.output(1).empty() && m_consumers[node.output(1)] > 0)
        fail("the Indices output of MaxPool is not supported");
    ir::Layer l;
    l.inputs = { in.layer };
    if (op == "GlobalAveragePool") {
        l.kind = ir::LayerKind::GlobalAvgPool;
        l.window.kernel = { inShape[1], inShape[2] };
        l.outShape = { inShape[0], 1, 1 };
    } else {
        l.kind = op == "MaxPool" ? ir::LayerKind::MaxPool : ir::LayerKind::AvgPool;
        const auto k = intsAttribute(node, "kernel_shape");
        if (k.size() != 2) fail("kernel_shape must have 2 values");
        for (const char* name : { "strides", "dilations" })
            if (const auto v = intsAttribute(node, name); !v.empty() && v.size() != 2)
                fail(std::string(name) + " must have 2 values");
        l.window.kernel = { k[0], k[1] };
        const auto s = intsAttribute(node, "strides");
        l.window.stride = s.size() == 2 ? std::array<int64_t, 2> { s[0], s[1] } : std::array<int64_t, 2> { 1, 1 };
        const auto d = intsAttribute(node, "dilations");
        if (d.size() == 2) l.window.dilation = { d[0], d[1] };
        const auto p = intsAttribute(node, "pads");
        if (!p.empty() && p.size() != 4) fail("pads must have 4 values");
        if (p.size() == 4) {
            l.window.padBegin = { p[0], p[1] };
            l.window.padEnd = { p[2], p[3] };
        }
        if (stringAttribute(node, "auto_pad", "NOTSET") != "NOTSET" && stringAttribute(node, "auto_pad", "") != "VALID")
            fail("auto_pad SAME is not supported for pooling; give explicit pads");
        l.window.countIncludePad = intAttribute(node, "count_include_pad", 0) != 0;
        const bool ceilMode = intAttribute(node, "ceil_mode", 0) != 0;
        const int64_t oh = outputSize(inShape[1], k[0], l.window.stride[0], l.window.padBegin[0], l.window.padEnd[0],
            l.window.dilation[0], ceilMode);
        const int64_t ow = outputSize(inShape[2], k[1], l.window.stride[1], l.window.padBegin[1], l.window.padEnd[1],
            l.window.dilation[1], ceilMode);
        if (oh <= 0 || ow <= 0) fail("the pooling window does not fit the input " + ir::toString(inShape));
        l.outShape = { inShape[0], oh, ow };
    }
    Value out = activation(addLayer(std::move(l)));
    if (channelsLast) {
        out.chw = true;
        out.logical = { out.logical[1], out.logical[2], out.logical[0] };
    }
    setOutput(node, out);
}

} // namespace luthier::importer
