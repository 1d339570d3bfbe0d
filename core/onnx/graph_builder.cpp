#include "onnx/graph_builder.h"

#include "util/error.h"

#include <deque>
#include <set>

namespace luthier::importer {

GraphBuilder::GraphBuilder(
    const onnx::GraphProto& graph, std::string label, const ImportLimits& limits, const BoundInputs& bound)
    : m_graph(graph)
    , m_label(std::move(label))
    , m_limits(limits)
    , m_bound(bound)
{
    // Consumers decide whether an element-wise op may fuse into its producer. Shape only reads the static
    // shape, never the data, so it does not count.
    for (const auto& node : graph.node())
        if (node.op_type() != "Shape")
            for (const auto& in : node.input())
                if (!in.empty()) ++m_consumers[in];
    for (const auto& out : graph.output())
        ++m_consumers[out.name()];
}

void GraphBuilder::fail(const std::string& reason) const
{
    if (m_node) throw NodeError(m_label + ": " + describeNode(*m_node) + ": " + reason);
    throw NodeError(m_label + ": " + reason);
}

const Value& GraphBuilder::value(const std::string& name) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        fail("input '" + name + "' is neither a graph input, an initializer nor the output of an earlier node");
    return it->second;
}

const Value* GraphBuilder::optionalInput(const onnx::NodeProto& node, int index) const
{
    if (index >= node.input_size() || node.input(index).empty()) return nullptr;
    return &value(node.input(index));
}

const std::string& GraphBuilder::inputName(const onnx::NodeProto& node, int index) const
{
    if (index >= node.input_size() || node.input(index).empty())
        fail("missing input " + std::to_string(index) + " (" + node.op_type() + " has "
            + std::to_string(node.input_size()) + ")");
    return node.input(index);
}

const ConstTensor& GraphBuilder::constInput(const onnx::NodeProto& node, int index, const char* what) const
{
    const Value* v = optionalInput(node, index);
    if (!v) fail(std::string("missing input ") + std::to_string(index) + " (" + what + ")");
    if (!v->isConst)
        fail(std::string("input '") + node.input(index) + "' (" + what
            + ") must be a constant (an initializer or computable from initializers)");
    return v->constant;
}

void GraphBuilder::setOutput(const onnx::NodeProto& node, Value v, int index)
{
    if (index < node.output_size() && !node.output(index).empty()) m_values[node.output(index)] = std::move(v);
}

Value GraphBuilder::activation(int layer) const
{
    Value v;
    v.layer = layer;
    v.epilogueSize = m_result.layers[size_t(layer)].epilogue.size();
    v.logical = m_result.layers[size_t(layer)].outShape;
    return v;
}

int GraphBuilder::addLayer(ir::Layer layer)
{
    for (int64_t d : layer.outShape)
        if (d <= 0) fail("computed an empty or negative output shape " + ir::toString(layer.outShape));
    if (ir::elementCount(layer.outShape) > m_limits.maxTensorElements
        || int64_t(layer.weight.data.size()) > m_limits.maxTensorElements)
        fail("output shape " + ir::toString(layer.outShape) + " exceeds the limit of "
            + std::to_string(m_limits.maxTensorElements) + " elements");
    if (layer.name.empty() && m_node)
        layer.name = m_node->name().empty() && m_node->output_size() ? m_node->output(0) : m_node->name();
    if (layer.opType.empty() && m_node)
        layer.opType = m_node->domain().empty() ? m_node->op_type() : m_node->domain() + ":" + m_node->op_type();
    m_result.layers.push_back(std::move(layer));
    return int(m_result.layers.size()) - 1;
}

ir::Shape GraphBuilder::storageShape(const Value& v) const
{
    if (!v.chw) return v.logical;
    return { v.logical[2], v.logical[0], v.logical[1] };
}

int GraphBuilder::storageAxis(const Value& v, int64_t onnxAxis) const
{
    const int64_t rank = int64_t(v.logical.size()) + 1;
    if (onnxAxis < 0) onnxAxis += rank;
    if (onnxAxis < 0 || onnxAxis >= rank)
        fail("axis " + std::to_string(onnxAxis) + " out of range for rank " + std::to_string(rank));
    if (onnxAxis == 0) fail("operates along the batch axis, which is not supported");
    const int perSample = int(onnxAxis - 1);
    if (!v.chw) return perSample;
    static constexpr int kHwcToChw[3] = { 1, 2, 0 };
    return kHwcToChw[perSample];
}

namespace {
// The Transpose of layer `input` into `outShape` that a layout change below inserts.
ir::Layer layoutTranspose(int input, std::string name, std::vector<int64_t> perm, ir::Shape outShape)
{
    ir::Layer t;
    t.name = std::move(name);
    t.opType = "Transpose";
    t.kind = ir::LayerKind::Transpose;
    t.inputs = { input };
    t.perm = std::move(perm);
    t.outShape = std::move(outShape);
    return t;
}
} // namespace

Value GraphBuilder::toLogicalLayout(const Value& v)
{
    if (!v.chw) return v;
    ir::Layer t
        = layoutTranspose(v.layer, m_result.layers[size_t(v.layer)].name + "/to_channels_last", { 1, 2, 0 }, v.logical);
    t.channelAxis = 2;
    return activation(addLayer(std::move(t)));
}

Value GraphBuilder::toChw(const Value& v)
{
    if (v.chw) return v;
    if (v.logical.size() != 3)
        fail("channels-last op needs a 4-D input, got per-sample shape " + ir::toString(v.logical));
    Value out
        = activation(addLayer(layoutTranspose(v.layer, m_result.layers[size_t(v.layer)].name + "/to_channels_first",
            { 2, 0, 1 }, { v.logical[2], v.logical[0], v.logical[1] })));
    out.logical = v.logical;
    out.chw = true;
    return out;
}

namespace {
bool hasPerChannelOps(const ir::Layer& layer)
{
    for (const auto& op : layer.epilogue)
        if (op.mul.size() > 1 || op.add.size() > 1 || op.quant.perChannel() || op.thresholds.size() > 1) return true;
    return false;
}
} // namespace

Value GraphBuilder::appendPointwise(const Value& in, const std::string& inputName, ir::PointwiseOp op, int channelAxis)
{
    if (in.isConst) fail("element-wise op on constants should have been folded");
    ir::Layer& producer = m_result.layers[size_t(in.layer)];
    const bool exclusive = m_consumers[inputName] == 1 && producer.epilogue.size() == in.epilogueSize;
    const bool axisFits = channelAxis < 0 || !hasPerChannelOps(producer) || producer.channelAxis == channelAxis;
    if (exclusive && axisFits) {
        if (channelAxis >= 0) producer.channelAxis = channelAxis;
        producer.epilogue.push_back(std::move(op));
        Value out = in;
        out.epilogueSize = producer.epilogue.size();
        return out;
    }
    ir::Layer p;
    p.kind = ir::LayerKind::Pointwise;
    p.inputs = { in.layer };
    p.outShape = storageShape(in);
    p.channelAxis = channelAxis >= 0 ? channelAxis : 0;
    p.epilogue.push_back(std::move(op));
    Value out = activation(addLayer(std::move(p)));
    out.logical = in.logical;
    out.chw = in.chw;
    return out;
}

std::optional<int> GraphBuilder::perChannelAxis(const Value& in, const ir::Shape& constShape) const
{
    ir::Shape full = in.logical;
    full.insert(full.begin(), 1);
    const auto axis = varyingAxis(constShape, full);
    if (!axis) return std::nullopt;
    if (*axis < 0) return -1;
    return storageAxis(in, *axis);
}

void GraphBuilder::declareInputs()
{
    std::set<std::string> initializers;
    for (const auto& init : m_graph.initializer()) {
        Value v;
        v.isConst = true;
        v.constant = fromTensorProto(init, m_limits.maxTensorElements, m_label + ": initializer '" + init.name() + "'");
        m_values[init.name()] = std::move(v);
        initializers.insert(init.name());
    }
    std::vector<const onnx::ValueInfoProto*> inputs;
    for (const auto& in : m_graph.input()) {
        if (initializers.count(in.name())) continue;
        if (auto bound = m_bound.find(in.name()); bound != m_bound.end()) {
            Value v;
            v.isConst = true;
            v.constant = fromTensorProto(
                bound->second, m_limits.maxTensorElements, m_label + ": bound input '" + in.name() + "'");
            m_values[in.name()] = std::move(v);
            continue;
        }
        inputs.push_back(&in);
    }
    if (inputs.empty()) fail("the graph has no input");
    if (inputs.size() > 1)
        fail("the graph has " + std::to_string(inputs.size()) + " inputs ('" + inputs[0]->name() + "', '"
            + inputs[1]->name() + "', ...); Luthier supports single-input models");
    const auto& in = *inputs[0];
    if (!in.type().has_tensor_type() || !in.type().tensor_type().has_shape())
        fail("input '" + in.name() + "' has no tensor shape");
    const auto& dims = in.type().tensor_type().shape().dim();
    if (dims.empty()) fail("input '" + in.name() + "' is a scalar; Luthier needs a batch dimension");
    ir::Shape shape;
    for (int i = 1; i < dims.size(); ++i) {
        if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0)
            fail("input '" + in.name() + "' dimension " + std::to_string(i) + " is not a fixed positive size");
        shape.push_back(dims[i].dim_value());
    }
    if (ir::elementCount(shape) > m_limits.maxTensorElements)
        fail("input '" + in.name() + "' of per-sample shape " + ir::toString(shape) + " exceeds the limit of "
            + std::to_string(m_limits.maxTensorElements) + " elements");
    if (shape.empty()) shape = { 1 }; // a batch of scalars: one value per sample
    ir::Layer input;
    input.name = in.name();
    input.opType = "Input";
    input.kind = ir::LayerKind::Input;
    input.outShape = shape;
    m_result.inputName = in.name();
    m_result.inputShape = shape;
    m_values[in.name()] = activation(addLayer(std::move(input)));
    applyFinnInputDatatype();
}

void GraphBuilder::finishOutputs()
{
    m_node = nullptr;
    if (m_graph.output_size() == 0) fail("the graph has no output");
    for (const auto& out : m_graph.output()) {
        const Value& v = value(out.name());
        if (v.isConst) fail("output '" + out.name() + "' is a constant; nothing to compute");
        const Value logical = toLogicalLayout(v);
        m_result.outputs.push_back(logical.layer);
    }
    m_result.outputName = m_graph.output(0).name();
}

void GraphBuilder::pruneUnusedLayers()
{
    const size_t n = m_result.layers.size();
    std::vector<bool> used(n, false);
    used[0] = true; // the input stays even when an output ignores it
    std::deque<int> work;
    for (int o : m_result.outputs)
        if (!used[size_t(o)]) {
            used[size_t(o)] = true;
            work.push_back(o);
        }
    while (!work.empty()) {
        const int l = work.front();
        work.pop_front();
        for (int in : m_result.layers[size_t(l)].inputs)
            if (!used[size_t(in)]) {
                used[size_t(in)] = true;
                work.push_back(in);
            }
    }
    std::vector<int> remap(n, -1);
    std::vector<ir::Layer> kept;
    for (size_t i = 0; i < n; ++i)
        if (used[i]) {
            remap[i] = int(kept.size());
            kept.push_back(std::move(m_result.layers[i]));
        }
    if (kept.size() != n)
        m_result.notes.push_back("removed " + std::to_string(n - kept.size()) + " layer(s) that no output depends on");
    for (auto& l : kept)
        for (int& in : l.inputs)
            in = remap[size_t(in)];
    for (int& o : m_result.outputs)
        o = remap[size_t(o)];
    m_result.layers = std::move(kept);
}

ir::Graph GraphBuilder::build()
{
    if (m_graph.node_size() > m_limits.maxNodes)
        fail("the graph has " + std::to_string(m_graph.node_size()) + " nodes, more than the limit of "
            + std::to_string(m_limits.maxNodes));
    declareInputs();

    // Kahn's algorithm over tensors: a node runs once all its inputs exist. Models are usually sorted
    // already; this also finds cycles and dangling inputs.
    const int n = m_graph.node_size();
    std::map<std::string, std::vector<int>> readers;
    std::vector<int> missing(size_t(n), 0);
    std::set<std::string> producedByNodes;
    for (int i = 0; i < n; ++i)
        for (const auto& out : m_graph.node(i).output())
            producedByNodes.insert(out);
    for (int i = 0; i < n; ++i) {
        std::set<std::string> unique;
        for (const auto& in : m_graph.node(i).input())
            if (!in.empty() && !m_values.count(in)) unique.insert(in);
        missing[size_t(i)] = int(unique.size());
        for (const auto& in : unique)
            readers[in].push_back(i);
    }
    std::deque<int> ready;
    for (int i = 0; i < n; ++i)
        if (missing[size_t(i)] == 0) ready.push_back(i);
    int done = 0;
    while (!ready.empty()) {
        const int i = ready.front();
        ready.pop_front();
        const auto& node = m_graph.node(i);
        convertNode(node);
        ++done;
        for (const auto& out : node.output()) {
            auto it = readers.find(out);
            if (it == readers.end()) continue;
            for (int r : it->second)
                if (--missing[size_t(r)] == 0) ready.push_back(r);
            readers.erase(it);
        }
    }
    if (done != n) {
        for (int i = 0; i < n; ++i) {
            if (missing[size_t(i)] == 0) continue;
            m_node = &m_graph.node(i);
            for (const auto& in : m_node->input())
                if (!in.empty() && !m_values.count(in)) {
                    if (producedByNodes.count(in))
                        fail("input '" + in + "' depends on this node's own output: the graph has a cycle");
                    fail("input '" + in + "' is neither a graph input, an initializer nor the output of any node");
                }
        }
    }
    finishOutputs();
    pruneUnusedLayers();
    return std::move(m_result);
}

} // namespace luthier::importer
