#include "ir/graph.h"

#include "util/enum_names.h"

namespace luthier::ir {

constexpr util::EnumName<LayerKind> kLayerKindNames[] = { { LayerKind::Input, "Input" }, { LayerKind::Dense, "Dense" },
    { LayerKind::Conv, "Conv" }, { LayerKind::MaxPool, "MaxPool" }, { LayerKind::AvgPool, "AvgPool" },
    { LayerKind::GlobalAvgPool, "GlobalAvgPool" }, { LayerKind::Add, "Add" }, { LayerKind::Concat, "Concat" },
    { LayerKind::Pointwise, "Pointwise" }, { LayerKind::Flatten, "Flatten" }, { LayerKind::Reshape, "Reshape" },
    { LayerKind::Transpose, "Transpose" }, { LayerKind::Resize, "Resize" }, { LayerKind::Softmax, "Softmax" } };

const char* toString(LayerKind kind)
{
    return util::nameOf(kLayerKindNames, kind);
}

bool hasWeights(LayerKind kind)
{
    return kind == LayerKind::Dense || kind == LayerKind::Conv;
}

const QuantSpec* Layer::outputQuant() const
{
    for (auto it = epilogue.rbegin(); it != epilogue.rend(); ++it)
        if (it->kind == PointwiseKind::Quant || it->kind == PointwiseKind::Quantize
            || it->kind == PointwiseKind::MultiThreshold)
            return &it->quant;
    return nullptr;
}

int64_t Layer::parameterCount() const
{
    if (!hasWeights(kind)) return 0;
    return int64_t(weight.data.size() + bias.size());
}

int64_t Layer::macs() const
{
    if (kind == LayerKind::Dense) // once per position when the sample has several axes
        return int64_t(weight.data.size()) * (outShape.empty() ? 1 : elementCount(outShape) / outShape.back());
    if (kind == LayerKind::Conv && outShape.size() == 3) {
        // every output pixel of every output channel reads (in/groups)*kh*kw weights
        const int64_t perOutput = weight.shape.size() == 4 ? weight.shape[1] * weight.shape[2] * weight.shape[3] : 0;
        return outShape[0] * outShape[1] * outShape[2] * perOutput;
    }
    return 0;
}

int64_t Layer::outChannels() const
{
    if (outShape.empty()) return 1;
    return outShape[size_t(channelAxis)];
}

std::vector<int> Graph::consumers(int layer) const
{
    std::vector<int> result;
    for (int i = 0; i < int(layers.size()); ++i)
        for (int in : layers[size_t(i)].inputs)
            if (in == layer) {
                result.push_back(i);
                break;
            }
    return result;
}

int64_t Graph::totalParameters() const
{
    int64_t n = 0;
    for (const Layer& l : layers)
        n += l.parameterCount();
    return n;
}

int64_t Graph::totalMacs() const
{
    int64_t n = 0;
    for (const Layer& l : layers)
        n += l.macs();
    return n;
}

} // namespace luthier::ir
