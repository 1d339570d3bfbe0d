#include "arch/map_graph.h"

#include "arch/map_block.h"
#include "arch/map_conv.h"
#include "quant/int_graph.h"
#include "util/error.h"

namespace luthier::arch {

namespace {

bool carriesInput(ir::LayerKind kind)
{
    return kind == ir::LayerKind::Flatten || kind == ir::LayerKind::Reshape || kind == ir::LayerKind::Softmax
        || kind == ir::LayerKind::Pointwise;
}

// The format of graph layer `index`'s integers (nullptr: raw accumulators), following layers that carry
// their input unchanged back to the one that made them.
const quant::IntFormat* formatOf(const quant::IntGraph& graph, int index)
{
    while (index > 0) {
        const quant::IntLayer& l = graph.layers[size_t(index)];
        if (const quant::IntFormat* f = l.outFormat()) return f;
        if (!carriesInput(l.kind) || l.requant) return nullptr;
        index = l.inputs.at(0);
    }
    return &graph.inputFormat;
}

// True when layer `index`'s values reach the model output through layers that only move them (a raw conv
// result transposed back to channels-last is still the model output).
bool leadsToOutputUnchanged(const quant::IntGraph& graph, int index)
{
    const int output = graph.outputs.at(0);
    while (index != output) {
        int next = -1;
        for (size_t j = size_t(index) + 1; j < graph.layers.size(); ++j)
            for (int in : graph.layers[j].inputs)
                if (in == index) {
                    if (next >= 0) return false; // more than one consumer
                    next = int(j);
                }
        if (next < 0) return false;
        const quant::IntLayer& l = graph.layers[size_t(next)];
        const bool moves = l.kind == ir::LayerKind::Transpose || carriesInput(l.kind);
        if (!moves || l.requant || l.inputs.size() != 1) return false;
        index = next;
    }
    return true;
}

} // namespace

bool isGraphLayerKind(ir::LayerKind kind)
{
    return kind == ir::LayerKind::Conv || isBlockKind(kind);
}

bool mapGraphLayer(HwLayer& hw, const GraphContext& context, int index, bool isOutput, const std::string& label,
    const std::function<void(HwLayer&, const DenseSource&)>& mapDense)
{
    const quant::IntGraph& graph = context.graph;
    const quant::IntLayer& layer = graph.layers[size_t(index)];
    if (carriesInput(layer.kind) && !layer.requant) return false;
    isOutput = isOutput || leadsToOutputUnchanged(graph, index);

    std::vector<BlockInput> inputs;
    hw.inputs.clear();
    for (int in : layer.inputs) {
        const int source = context.hwOf[size_t(in)];
        BlockInput b;
        b.format = formatOf(graph, in);
        b.shape = graph.layers[size_t(in)].outShape;
        if (source < 0) {
            if (layer.inputs.size() > 1)
                throw Error("RTL mapping: layer " + label + " joins the model input with other layers");
            b.bits = context.designInputBits;
        } else {
            b.bits = int(context.layers[size_t(source)].outputBits);
            hw.inputs.push_back(source);
        }
        inputs.push_back(std::move(b));
    }

    if (layer.kind == ir::LayerKind::Conv) {
        if (inputs.size() != 1)
            throw Error("RTL mapping: conv layer " + label + " has " + std::to_string(inputs.size()) + " inputs");
        if (!inputs[0].format)
            throw Error("RTL mapping: the input of layer " + label + " is a raw accumulator, not quantised integers");
        if (!layer.requant && !isOutput)
            throw Error("RTL mapping: layer " + label + " has no output quantiser but is not the model output");
        const quant::IntLayer dense = im2colLayer(layer, inputs[0].shape, label);
        mapDense(hw, { dense, *inputs[0].format, label });
        wrapConv(hw, layer, inputs[0].shape, *inputs[0].format, label);
        return true;
    }
    mapBlock(hw, layer, inputs, isOutput, label);
    return true;
}

} // namespace luthier::arch
