// Constant folding: any node whose inputs are all constants is evaluated at import time (shape arithmetic,
// weight quantisers, transposed weights, BN statistics arithmetic). Shape of an activation is static here.

#include "onnx/graph_builder.h"
#include "util/error.h"

#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

namespace luthier::importer {

namespace {

std::vector<int64_t> stridesOf(const ir::Shape& shape)
{
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t i = shape.size(); i-- > 1;)
        strides[i - 1] = strides[i] * shape[i];
    return strides;
}

// numpy-style broadcasting of two constants through a binary function.
ConstTensor broadcastBinary(
    const ConstTensor& a, const ConstTensor& b, const std::function<double(double, double)>& f, int64_t maxElements)
{
    const size_t rank = std::max(a.shape.size(), b.shape.size());
    ir::Shape out(rank, 1);
    auto dimOf = [rank](const ir::Shape& s, size_t i) { return i + s.size() < rank ? 1 : s[i + s.size() - rank]; };
    for (size_t i = 0; i < rank; ++i) {
        const int64_t da = dimOf(a.shape, i), db = dimOf(b.shape, i);
        if (da != db && da != 1 && db != 1)
            throw Error("shapes " + ir::toString(a.shape) + " and " + ir::toString(b.shape) + " do not broadcast");
        out[i] = std::max(da, db);
    }
    if (ir::elementCount(out) > maxElements)
        throw Error("broadcast result " + ir::toString(out) + " exceeds the limit of " + std::to_string(maxElements)
            + " elements");
    ConstTensor r;
    r.shape = out;
    r.isInteger = a.isInteger && b.isInteger;
    r.elemType = a.elemType;
    const int64_t n = ir::elementCount(out);
    r.values.resize(size_t(n));
    const auto sa = stridesOf(a.shape), sb = stridesOf(b.shape), so = stridesOf(out);
    for (int64_t o = 0; o < n; ++o) {
        int64_t ia = 0, ib = 0;
        for (size_t i = 0; i < rank; ++i) {
            const int64_t idx = (o / so[i]) % out[i];
            if (i + a.shape.size() >= rank && a.shape[i + a.shape.size() - rank] != 1)
                ia += idx * sa[i + a.shape.size() - rank];
            if (i + b.shape.size() >= rank && b.shape[i + b.shape.size() - rank] != 1)
                ib += idx * sb[i + b.shape.size() - rank];
        }
        r.values[size_t(o)] = f(a.values[size_t(ia)], b.values[size_t(ib)]);
    }
    return r;
}

ConstTensor unary(const ConstTensor& a, const std::function<double(double)>& f)
{
    ConstTensor r = a;
    r.raw.clear();
    r.quant.reset();
    for (double& v : r.values)
        v = f(v);
    return r;
}

int64_t normaliseAxis(int64_t axis, size_t rank)
{
    const int64_t r = int64_t(rank);
    if (axis < -r || axis >= r)
        throw Error("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    return axis < 0 ? axis + r : axis;
}

ir::Shape resolveReshape(const ir::Shape& in, const std::vector<double>& target, bool allowZero)
{
    ir::Shape out;
    int inferred = -1;
    for (size_t i = 0; i < target.size(); ++i) {
        const std::optional<int64_t> entry = exactInteger(target[i]);
        if (!entry)
            throw Error("Reshape target dimension " + std::to_string(target[i]) + " is not an integer below 2^53");
        int64_t d = *entry;
        if (d == 0 && !allowZero) {
            if (i >= in.size())
                throw Error("Reshape copies dimension " + std::to_string(i) + " that the input does not have");
            d = in[i];
        }
        if (d == -1) {
            if (inferred >= 0) throw Error("Reshape target has more than one -1");
            inferred = int(i);
            out.push_back(1);
            continue;
        }
        if (d < 0) throw Error("Reshape target dimension " + std::to_string(d) + " is invalid");
        out.push_back(d);
    }
    const int64_t known = ir::elementCount(out); // saturates, so an absurd target fails the checks below
    const int64_t total = ir::elementCount(in);
    if (inferred >= 0) {
        if (known == 0 || total % known) throw Error("cannot reshape " + ir::toString(in) + " to the target with -1");
        out[size_t(inferred)] = total / known;
    } else if (known != total) {
        throw Error(
            "cannot reshape " + ir::toString(in) + " (" + std::to_string(total) + " elements) to " + ir::toString(out));
    }
    return out;
}

} // namespace

bool GraphBuilder::tryFoldConstant(const onnx::NodeProto& node)
{
    const std::string& op = node.op_type();
    if (op == "Constant") {
        Value v;
        v.isConst = true;
        if (const auto* a = findAttribute(node, "value"))
            v.constant = fromTensorProto(a->t(), m_limits.maxTensorElements, m_label + ": " + describeNode(node));
        else if (const auto* f = findAttribute(node, "value_float"))
            v.constant.values = { double(f->f()) };
        else if (const auto* i = findAttribute(node, "value_int")) {
            v.constant.values = { double(i->i()) };
            v.constant.isInteger = true;
        } else if (const auto* is = findAttribute(node, "value_ints")) {
            v.constant.values.assign(is->ints().begin(), is->ints().end());
            v.constant.shape = { int64_t(is->ints_size()) };
            v.constant.isInteger = true;
        } else if (const auto* fs = findAttribute(node, "value_floats")) {
            v.constant.values.assign(fs->floats().begin(), fs->floats().end());
            v.constant.shape = { int64_t(fs->floats_size()) };
        } else
            fail("Constant without a supported value attribute");
        setOutput(node, std::move(v));
        return true;
    }
    if (op == "Shape") {
        const Value& in = input(node, 0);
        Value v;
        v.isConst = true;
        ir::Shape full = in.isConst ? in.constant.shape : in.logical;
        if (!in.isConst) full.insert(full.begin(), 1); // batch 1: the importer models one sample
        v.constant.shape = { int64_t(full.size()) };
        v.constant.values.assign(full.begin(), full.end());
        v.constant.isInteger = true;
        setOutput(node, std::move(v));
        return true;
    }
    for (const auto& in : node.input())
        if (!in.empty() && !value(in).isConst) return false;
    if (node.input_size() == 0) return false;

    const bool qonnxDomain = node.domain().find("custom_op.general") != std::string::npos
        || node.domain().find("brevitas") != std::string::npos;
    auto in = [&](int i) -> const ConstTensor& { return constInput(node, i, "operand"); };
    Value out;
    out.isConst = true;
    ConstTensor& r = out.constant;
    try {
        if (op == "Identity" || op == "Dropout") {
            r = in(0);
        } else if (op == "Cast") {
            r = in(0);
            const int64_t to = intAttribute(node, "to", onnx::TensorProto::FLOAT);
            r.elemType = int(to);
            r.isInteger
                = to != onnx::TensorProto::FLOAT && to != onnx::TensorProto::DOUBLE && to != onnx::TensorProto::FLOAT16;
            if (r.isInteger)
                for (double& v : r.values)
                    v = std::trunc(v);
        } else if (op == "Reshape") {
            r = in(0);
            r.shape = resolveReshape(in(0).shape, in(1).values, intAttribute(node, "allowzero", 0) != 0);
            if (r.quant && r.quant->axis >= 0)
                r.quant.reset(), r.raw.clear(); // per-channel axis is ambiguous after reshape
        } else if (op == "Flatten") {
            r = in(0);
            const int64_t axis = normaliseAxis(intAttribute(node, "axis", 1), r.shape.size() + 1);
            const int64_t outer = ir::elementCount(ir::Shape(r.shape.begin(), r.shape.begin() + axis));
            r.shape = { outer, r.size() / std::max<int64_t>(outer, 1) };
        } else if (op == "Transpose") {
            std::vector<int64_t> perm = intsAttribute(node, "perm");
            if (perm.empty())
                for (size_t i = in(0).shape.size(); i-- > 0;)
                    perm.push_back(int64_t(i));
            r = transposed(in(0), perm);
        } else if (op == "Unsqueeze" || op == "Squeeze") {
            r = in(0);
            std::vector<int64_t> axes = intsAttribute(node, "axes");
            if (axes.empty() && node.input_size() > 1)
                for (double a : in(1).values)
                    axes.push_back(int64_t(a));
            if (op == "Unsqueeze") {
                const size_t outRank = r.shape.size() + axes.size();
                for (auto& a : axes)
                    a = normaliseAxis(a, outRank);
                std::sort(axes.begin(), axes.end());
                for (int64_t a : axes)
                    r.shape.insert(r.shape.begin() + a, 1);
            } else {
                ir::Shape s;
                for (size_t i = 0; i < r.shape.size(); ++i) {
                    const bool listed
                        = axes.empty() ? r.shape[i] == 1 : std::find_if(axes.begin(), axes.end(), [&](int64_t a) {
                              return normaliseAxis(a, r.shape.size()) == int64_t(i);
                          }) != axes.end();
                    if (!listed) s.push_back(r.shape[i]);
                }
                r.shape = s;
            }
            if (r.quant && r.quant->axis >= 0) r.quant.reset(), r.raw.clear();
        } else if (op == "Concat") {
            const auto& first = in(0);
            const int64_t axis = normaliseAxis(intAttribute(node, "axis", 0), first.shape.size());
            r.shape = first.shape;
            r.isInteger = first.isInteger;
            r.shape[size_t(axis)] = 0;
            for (int i = 0; i < node.input_size(); ++i)
                r.shape[size_t(axis)] += in(i).shape[size_t(axis)];
            int64_t total = 0;
            for (int i = 0; i < node.input_size(); ++i)
                total += in(i).size();
            // All-empty inputs leave nothing to copy, however large their leading dimensions claim to be.
            const int64_t outer
                = total == 0 ? 0 : ir::elementCount(ir::Shape(first.shape.begin(), first.shape.begin() + axis));
            for (int64_t o = 0; o < outer; ++o)
                for (int i = 0; i < node.input_size(); ++i) {
                    const auto& t = in(i);
                    const int64_t chunk = t.size() / std::max<int64_t>(outer, 1);
                    r.values.insert(r.values.end(), t.values.begin() + o * chunk, t.values.begin() + (o + 1) * chunk);
                }
        } else if (op == "Gather") {
            const auto& data = in(0);
            const auto& idx = in(1);
            const int64_t axis = normaliseAxis(intAttribute(node, "axis", 0), data.shape.size());
            // Empty data leaves nothing to gather, however large its leading dimensions claim to be.
            const int64_t outer
                = data.values.empty() ? 0 : ir::elementCount(ir::Shape(data.shape.begin(), data.shape.begin() + axis));
            const int64_t inner = ir::elementCount(ir::Shape(data.shape.begin() + axis + 1, data.shape.end()));
            const int64_t dim = data.shape[size_t(axis)];
            r.isInteger = data.isInteger;
            r.shape.assign(data.shape.begin(), data.shape.begin() + axis);
            r.shape.insert(r.shape.end(), idx.shape.begin(), idx.shape.end());
            r.shape.insert(r.shape.end(), data.shape.begin() + axis + 1, data.shape.end());
            for (int64_t o = 0; o < outer; ++o)
                for (double iv : idx.values) {
                    int64_t k = exactInteger(iv).value_or(std::numeric_limits<int64_t>::max());
                    if (k < 0) k += dim;
                    if (k < 0 || k >= dim) throw Error("Gather index " + std::to_string(iv) + " out of range");
                    const auto base = data.values.begin() + (o * dim + k) * inner;
                    r.values.insert(r.values.end(), base, base + inner);
                }
        } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow") {
            static const std::map<std::string, std::function<double(double, double)>> fns
                = { { "Add", std::plus<double>() }, { "Sub", std::minus<double>() },
                      { "Mul", std::multiplies<double>() }, { "Div", std::divides<double>() },
                      { "Pow", [](double a, double b) { return std::pow(a, b); } } };
            r = broadcastBinary(in(0), in(1), fns.at(op), m_limits.maxTensorElements);
            if (op == "Div" && r.isInteger)
                for (double& v : r.values)
                    v = std::trunc(v);
        } else if (op == "Sqrt" || op == "Neg" || op == "Reciprocal" || op == "Abs") {
            static const std::map<std::string, std::function<double(double)>> fns
                = { { "Sqrt", [](double a) { return std::sqrt(a); } }, { "Neg", [](double a) { return -a; } },
                      { "Reciprocal", [](double a) { return 1.0 / a; } },
                      { "Abs", [](double a) { return std::fabs(a); } } };
            r = unary(in(0), fns.at(op));
        } else if ((qonnxDomain && (op == "Quant" || op == "IntQuant" || op == "BipolarQuant"))
            || op == "QuantizeLinear" || op == "DequantizeLinear") {
            const auto& x = in(0);
            for (double v : x.values)
                if (!std::isfinite(v)) fail("the quantiser's input holds a NaN or infinite value");
            ir::QuantSpec spec = quantSpecFor(node, x.shape, true);
            r.shape = x.shape;
            r.values.resize(x.values.size());
            const auto strides = stridesOf(x.shape);
            auto channelOf = [&](size_t i) {
                return spec.axis < 0 ? int64_t(0)
                                     : (int64_t(i) / strides[size_t(spec.axis)]) % x.shape[size_t(spec.axis)];
            };
            if (op == "QuantizeLinear") {
                r.isInteger = true;
                for (size_t i = 0; i < x.values.size(); ++i)
                    r.values[i] = double(spec.toInt(x.values[i], channelOf(i)));
            } else if (op == "DequantizeLinear") {
                // Integer weights stored in the model: their dequantised values are the "float" weights,
                // which the same quantiser maps back onto exactly these levels.
                for (size_t i = 0; i < x.values.size(); ++i)
                    r.values[i] = (x.values[i] - spec.zeroPointAt(channelOf(i))) * spec.scaleAt(channelOf(i));
                r.raw = r.values;
                r.quant = spec;
            } else {
                r.raw = x.values;
                r.quant = spec;
                for (size_t i = 0; i < x.values.size(); ++i)
                    r.values[i] = spec.apply(x.values[i], channelOf(i));
            }
        } else {
            return false; // not a foldable op: the converter decides (and names unsupported ops)
        }
    } catch (const NodeError&) {
        throw;
    } catch (const Error& e) {
        fail(e.what());
    }
    if (r.size() > m_limits.maxTensorElements)
        fail("folded constant exceeds the limit of " + std::to_string(m_limits.maxTensorElements) + " elements");
    setOutput(node, std::move(out));
    return true;
}

} // namespace luthier::importer
