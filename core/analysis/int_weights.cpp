#include "analysis/int_weights.h"

#include "util/error.h"

#include <cmath>

namespace luthier::analysis {

namespace {

// Index of the per-channel quantiser parameter for flat weight index i.
int64_t channelOf(const ir::QuantSpec& quant, const ir::Shape& shape, int64_t i)
{
    if (!quant.perChannel()) return 0;
    const int axis = quant.axis < 0 ? 0 : quant.axis;
    int64_t inner = 1;
    for (size_t d = size_t(axis) + 1; d < shape.size(); ++d)
        inner *= shape[d];
    return (i / inner) % shape[size_t(axis)];
}

} // namespace

IntWeights integerWeights(const ir::Layer& layer)
{
    const std::string where = "layer '" + layer.name + "'";
    if (!ir::hasWeights(layer.kind)) throw Error(where + " (" + ir::toString(layer.kind) + ") has no weights");
    const ir::QuantSpec& quant = layer.weightQuant;
    if (!quant.quantised())
        throw Error(where + " has float weights: give it a weight bit-width (post-training quantisation)");
    const ir::Shape& shape = layer.weight.shape;
    IntWeights w;
    if (layer.kind == ir::LayerKind::Dense) {
        if (shape.size() != 2) throw Error(where + ": dense weight shape " + ir::toString(shape) + " is not {out, in}");
        w.outChannels = shape[0];
        w.inPerGroup = shape[1];
    } else {
        if (shape.size() != 4)
            throw Error(where + ": conv weight shape " + ir::toString(shape) + " is not {out, in/groups, kh, kw}");
        w.outChannels = shape[0];
        w.inPerGroup = shape[1];
        w.kernelH = shape[2];
        w.kernelW = shape[3];
        w.convGroups = std::max<int64_t>(1, layer.window.groups);
    }
    if (ir::elementCount(shape) != int64_t(layer.weight.data.size()))
        throw Error(where + ": weight shape " + ir::toString(shape) + " does not match its "
            + std::to_string(layer.weight.data.size()) + " values");
    if (quant.perChannel() && quant.axis >= int(shape.size()))
        throw Error(where + ": weight quantiser axis " + std::to_string(quant.axis) + " is outside the weight shape");

    w.bits = quant.bits;
    w.isSigned = quant.isSigned || quant.bipolar;
    w.bipolar = quant.bipolar;
    w.scheme = quant.scheme;
    w.values.resize(layer.weight.data.size());
    for (size_t i = 0; i < w.values.size(); ++i) {
        const int64_t c = channelOf(quant, shape, int64_t(i));
        const double zp = quant.zeroPointAt(c);
        if (zp != std::floor(zp))
            throw Error(where + ": weight zero point " + std::to_string(zp) + " is not an integer");
        const int64_t q
            = quant.bipolar ? quant.toInt(layer.weight.data[i], c) : quant.toInt(layer.weight.data[i], c) - int64_t(zp);
        w.values[i] = int32_t(q);
    }
    return w;
}

namespace {

bool passesValuesThrough(ir::LayerKind kind)
{
    switch (kind) {
    case ir::LayerKind::Flatten:
    case ir::LayerKind::Reshape:
    case ir::LayerKind::Transpose:
    case ir::LayerKind::MaxPool:
    case ir::LayerKind::Resize:
    case ir::LayerKind::Concat:
        return true;
    default:
        return false;
    }
}

} // namespace

const ir::QuantSpec* inputActivationQuant(const ir::Graph& graph, int index)
{
    int current = index;
    for (size_t guard = 0; guard <= graph.layers.size(); ++guard) {
        const ir::Layer& layer = graph.layers[size_t(current)];
        if (layer.inputs.empty()) return nullptr;
        const ir::Layer& producer = graph.layers[size_t(layer.inputs[0])];
        if (const ir::QuantSpec* q = producer.outputQuant()) return q;
        if (!passesValuesThrough(producer.kind)) return nullptr;
        current = layer.inputs[0];
    }
    return nullptr;
}

int64_t inputElements(const ir::Graph& graph, int index)
{
    const ir::Layer& layer = graph.layers[size_t(index)];
    if (layer.inputs.empty()) return 0;
    return ir::elementCount(graph.layers[size_t(layer.inputs[0])].outShape);
}

} // namespace luthier::analysis
