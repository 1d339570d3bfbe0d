// Layout and structural ops on activations: Flatten, Reshape, Transpose, Concat, Resize, Softmax.

#include "onnx/graph_builder.h"
#include "util/error.h"

#include <cmath>

namespace luthier::importer {

namespace {

// A reshape of the input layer before any per-channel op only relabels the same C-order data.
bool canRelabelInput(const ir::Layer& layer)
{
    if (layer.kind != ir::LayerKind::Input) return false;
    for (const auto& op : layer.epilogue)
        if (op.mul.size() > 1 || op.add.size() > 1 || op.quant.perChannel()) return false;
    return true;
}

} // namespace

void GraphBuilder::convertShapeOp(const onnx::NodeProto& node)
{
    const std::string& op = node.op_type();
    Value in = input(node, 0);
    if (in.isConst) fail("unexpected constant input");

    if (op == "Flatten" || op == "Reshape") {
        in = toLogicalLayout(in);
        ir::Shape target;
        if (op == "Flatten") {
            const int64_t axis = intAttribute(node, "axis", 1);
            if (axis != 1 && axis != 0)
                fail("Flatten with axis " + std::to_string(axis) + " is not supported (only a per-sample flatten)");
            target = { ir::elementCount(in.logical) };
        } else {
            const ConstTensor& shape = constInput(node, 1, "shape");
            if (shape.values.empty()) fail("Reshape to a scalar is not supported");
            ir::Shape full;
            int inferred = -1;
            for (size_t i = 0; i < shape.values.size(); ++i) {
                const std::optional<int64_t> entry = exactInteger(shape.values[i]);
                if (!entry)
                    fail("Reshape target dimension " + std::to_string(shape.values[i])
                        + " is not an integer below 2^53");
                int64_t d = *entry;
                if (d == 0) d = i == 0 ? 1 : (i - 1 < in.logical.size() ? in.logical[i - 1] : 0);
                if (d == -1) {
                    inferred = int(i);
                    full.push_back(1);
                    continue;
                }
                if (d <= 0) fail("Reshape target dimension " + std::to_string(d) + " is invalid");
                full.push_back(d);
            }
            const int64_t known = ir::elementCount(full); // saturates, so an absurd target fails the checks below
            const int64_t total = ir::elementCount(in.logical);
            if (inferred >= 0) {
                if (total % known) fail("cannot reshape " + ir::toString(in.logical) + " per sample to the target");
                full[size_t(inferred)] = total / known;
            }
            if (full[0] != 1 || ir::elementCount(full) != total)
                fail("Reshape changes the batch dimension or the element count (" + ir::toString(in.logical) + " -> "
                    + ir::toString(full) + ")");
            target.assign(full.begin() + 1, full.end());
            if (target.empty()) target = { 1 };
        }
        if (target == in.logical) return setOutput(node, in);
        ir::Layer& producer = m_result.layers[size_t(in.layer)];
        if (canRelabelInput(producer) && m_consumers[inputName(node, 0)] == 1
            && producer.epilogue.size() == in.epilogueSize) {
            m_result.notes.push_back(op + " of the input to " + ir::toString(target) + " folded into the input");
            producer.outShape = target;
            producer.channelAxis = 0;
            Value out = in;
            out.logical = target;
            return setOutput(node, out);
        }
        ir::Layer l;
        l.kind = op == "Flatten" ? ir::LayerKind::Flatten : ir::LayerKind::Reshape;
        l.inputs = { in.layer };
        l.outShape = target;
        return setOutput(node, activation(addLayer(std::move(l))));
    }

    if (op == "Transpose") {
        in = toLogicalLayout(in);
        std::vector<int64_t> perm = intsAttribute(node, "perm");
        const size_t rank = in.logical.size() + 1;
        if (perm.empty())
            for (size_t i = rank; i-- > 0;)
                perm.push_back(int64_t(i));
        if (perm.size() != rank || perm[0] != 0) fail("Transpose must keep the batch axis first and match the rank");
        std::vector<int64_t> p;
        ir::Shape out;
        bool identity = true;
        for (size_t i = 1; i < rank; ++i) {
            if (perm[i] < 1 || size_t(perm[i]) >= rank) fail("Transpose perm is not a permutation");
            p.push_back(perm[i] - 1);
            out.push_back(in.logical[size_t(perm[i] - 1)]);
            identity = identity && perm[i] == int64_t(i);
        }
        if (identity) return setOutput(node, in);
        ir::Layer l;
        l.kind = ir::LayerKind::Transpose;
        l.inputs = { in.layer };
        l.perm = p;
        l.outShape = out;
        return setOutput(node, activation(addLayer(std::move(l))));
    }

    if (op == "Concat") {
        std::vector<Value> ins;
        bool allChw = true;
        for (int i = 0; i < node.input_size(); ++i) {
            ins.push_back(value(node.input(i)));
            if (ins.back().isConst) fail("Concat of a constant and activations is not supported");
            allChw = allChw && ins.back().chw;
        }
        if (!allChw)
            for (auto& v : ins)
                v = toLogicalLayout(v);
        const int64_t onnxAxis = intAttribute(node, "axis", 1);
        const int axis = storageAxis(ins[0], onnxAxis);
        ir::Layer l;
        l.kind = ir::LayerKind::Concat;
        l.axis = axis;
        ir::Shape outStorage = storageShape(ins[0]);
        ir::Shape outLogical = ins[0].logical;
        const int logicalAxis = int((onnxAxis < 0 ? onnxAxis + int64_t(outLogical.size()) + 1 : onnxAxis) - 1);
        outStorage[size_t(axis)] = 0;
        outLogical[size_t(logicalAxis)] = 0;
        for (const auto& v : ins) {
            ir::Shape s = storageShape(v);
            if (s.size() != outStorage.size()) fail("Concat inputs have different ranks");
            for (size_t d = 0; d < s.size(); ++d)
                if (int(d) != axis && s[d] != storageShape(ins[0])[d])
                    fail("Concat inputs differ outside the concatenation axis: " + ir::toString(v.logical) + " vs "
                        + ir::toString(ins[0].logical));
            outStorage[size_t(axis)] += s[size_t(axis)];
            outLogical[size_t(logicalAxis)] += v.logical[size_t(logicalAxis)];
            l.inputs.push_back(v.layer);
        }
        l.outShape = outStorage;
        Value out = activation(addLayer(std::move(l)));
        out.logical = outLogical;
        out.chw = allChw;
        return setOutput(node, out);
    }

    if (op == "Resize" || op == "Upsample") {
        const std::string mode = stringAttribute(node, "mode", "nearest");
        if (mode != "nearest") fail("Resize mode '" + mode + "' is not supported (only nearest)");
        const int scalesIndex = (op == "Upsample" || node.input_size() == 2) ? 1 : 2;
        const Value* scalesValue = optionalInput(node, scalesIndex);
        std::vector<double> scales;
        if (scalesValue && scalesValue->isConst && scalesValue->constant.size() > 0)
            scales = scalesValue->constant.values;
        else if (const Value* sizes = optionalInput(node, 3); sizes && sizes->isConst) {
            ir::Shape full = in.logical;
            full.insert(full.begin(), 1);
            if (sizes->constant.size() != int64_t(full.size())) fail("Resize sizes do not match the input rank");
            for (size_t i = 0; i < full.size(); ++i)
                scales.push_back(sizes->constant.values[i] / double(full[i]));
        } else
            fail("Resize needs constant scales or sizes");
        if (scales.size() != in.logical.size() + 1 || scales[0] != 1.0)
            fail("Resize scales must cover every axis and keep the batch");
        ir::Layer l;
        l.kind = ir::LayerKind::Resize;
        l.inputs = { in.layer };
        const ir::Shape storage = storageShape(in);
        l.resizeScales.assign(storage.size(), 1.0);
        ir::Shape logicalOut = in.logical;
        for (size_t i = 1; i < scales.size(); ++i) {
            if (scales[i] < 1 || scales[i] != std::floor(scales[i]))
                fail("Resize scale " + std::to_string(scales[i]) + " is not a whole number >= 1 (upsampling only)");
            // Bounded before the products below are converted to integers; the layer's size check then refuses
            // any output over the element limit.
            if (scales[i] > double(m_limits.maxTensorElements))
                fail("Resize scale " + std::to_string(scales[i]) + " exceeds the limit of "
                    + std::to_string(m_limits.maxTensorElements) + " elements");
            const int axis = storageAxis(in, int64_t(i));
            l.resizeScales[size_t(axis)] = scales[i];
            logicalOut[i - 1] = int64_t(double(in.logical[i - 1]) * scales[i]);
        }
        l.outShape = storage;
        for (size_t i = 0; i < storage.size(); ++i)
            l.outShape[i] = int64_t(double(storage[i]) * l.resizeScales[i]);
        Value out = activation(addLayer(std::move(l)));
        out.logical = logicalOut;
        out.chw = in.chw;
        return setOutput(node, out);
    }

    // Softmax
    const int axis = storageAxis(in, intAttribute(node, "axis", -1));
    ir::Layer l;
    l.kind = ir::LayerKind::Softmax;
    l.inputs = { in.layer };
    l.axis = axis;
    l.outShape = storageShape(in);
    Value out = activation(addLayer(std::move(l)));
    out.logical = in.logical;
    out.chw = in.chw;
    setOutput(node, out);
}

} // namespace luthier::importer
