#include "sim/float_executor.h"

#include "quant/learned_tables_io.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "sim/tensor_ops.h"
#include "util/error.h"
#include "util/parallel.h"

#include <cmath>
#include <optional>

namespace luthier::sim {

namespace {

using Values = std::vector<double>;

struct Prepared {
    std::vector<Values> weights; // per layer (Dense/Conv)
    std::vector<std::optional<quant::IntFormat>> tableInput; // per Dense layer with learned tables: its input codes
    std::vector<int> lastUse; // last layer index that reads each layer's output
};

[[noreturn]] void unsupported(const ir::Layer& layer, const std::string& why)
{
    throw Error("layer '" + layer.name + "' (" + ir::toString(layer.kind) + "): " + why);
}

void dense(const ir::Layer& l, const Values& w, const Values& x, Values& y)
{
    const int64_t out = l.weight.shape[0], in = l.weight.shape[1];
    const int64_t positions = int64_t(x.size()) / in;
    y.assign(size_t(positions * out), 0.0);
    for (int64_t p = 0; p < positions; ++p)
        for (int64_t o = 0; o < out; ++o) {
            const double* wr = w.data() + o * in;
            const double* xr = x.data() + p * in;
            double acc = 0;
            for (int64_t i = 0; i < in; ++i)
                acc += wr[i] * xr[i];
            y[size_t(p * out + o)] = acc + (l.bias.empty() ? 0.0 : l.bias[size_t(o)]);
        }
}

// Learned LUT-Dense tables: y[o] = scale[o] * sum_i T_oi[code of x_i] + b[o], the input values being on the
// lattice of their quantiser `in`.
void tableDense(const ir::Layer& l, const quant::IntFormat& in, const Values& x, Values& y)
{
    const ir::LearnedTables& t = *l.learnedTables;
    const int64_t rows = int64_t(x.size()) / t.inputs;
    y.assign(size_t(rows * t.outputs), 0.0);
    std::vector<int64_t> codes(size_t(t.inputs));
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < t.inputs; ++i)
            codes[size_t(i)] = int64_t(in.codeOf(in.latticeIndex(x[size_t(r * t.inputs + i)], 0)));
        for (int64_t o = 0; o < t.outputs; ++o) {
            int64_t sum = 0;
            for (int64_t i = 0; i < t.inputs; ++i)
                sum += t.table(o, i)[codes[size_t(i)]];
            y[size_t(r * t.outputs + o)]
                = quant::tableScale(t, l, in.scaleAt(0), o) * double(sum) + (l.bias.empty() ? 0.0 : l.bias[size_t(o)]);
        }
    }
}

// The integers that index a table layer's tables: its activation producer's quantiser.
quant::IntFormat tableInputFormat(const ir::Graph& g, int index)
{
    const ir::Layer& l = g.layers[size_t(index)];
    const int p = quant::activationProducer(g, index);
    const ir::QuantSpec* q = p < 0 ? nullptr : g.layers[size_t(p)].outputQuant();
    if (!q) unsupported(l, "its learned tables index the input's integer codes, and its input is not quantised");
    const quant::IntFormat f = quant::formatOf(*q, g.layers[size_t(p)].channelAxis);
    if (f.perChannel()) unsupported(l, "its learned tables need a per-tensor input quantiser");
    quant::checkTablesFit(*l.learnedTables, l.name, l.weight.shape[0], l.weight.shape[1], f.codeBits());
    return f;
}

void conv(const ir::Layer& l, const ir::Shape& inShape, const Values& w, const Values& x, Values& y)
{
    const Chw a = chwOf(inShape), b = chwOf(l.outShape);
    const ir::Window& win = l.window;
    const int64_t groups = win.groups, cinG = a.c / groups, coutG = b.c / groups;
    const int64_t kh = l.weight.shape[2], kw = l.weight.shape[3];
    y.assign(size_t(b.c * b.h * b.w), 0.0);
    for (int64_t o = 0; o < b.c; ++o) {
        const int64_t g = o / coutG;
        const double bias = l.bias.empty() ? 0.0 : l.bias[size_t(o)];
        for (int64_t oy = 0; oy < b.h; ++oy)
            for (int64_t ox = 0; ox < b.w; ++ox) {
                double acc = 0;
                for (int64_t ci = 0; ci < cinG; ++ci) {
                    const double* wr = w.data() + ((o * cinG + ci) * kh) * kw;
                    const double* xc = x.data() + (g * cinG + ci) * a.h * a.w;
                    for (int64_t ky = 0; ky < kh; ++ky) {
                        const int64_t iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
                        if (iy < 0 || iy >= a.h) continue;
                        for (int64_t kx = 0; kx < kw; ++kx) {
                            const int64_t ix = ox * win.stride[1] - win.padBegin[1] + kx * win.dilation[1];
                            if (ix >= 0 && ix < a.w) acc += wr[ky * kw + kx] * xc[iy * a.w + ix];
                        }
                    }
                }
                y[size_t((o * b.h + oy) * b.w + ox)] = acc + bias;
            }
    }
}

void avgPool(const ir::Layer& l, const ir::Shape& inShape, const Values& x, Values& y)
{
    const Chw a = chwOf(inShape), b = chwOf(l.outShape);
    const ir::Window& win = l.window;
    y.assign(size_t(b.c * b.h * b.w), 0.0);
    for (int64_t c = 0; c < b.c; ++c)
        for (int64_t oy = 0; oy < b.h; ++oy)
            for (int64_t ox = 0; ox < b.w; ++ox) {
                double sum = 0;
                forEachWindowTap(
                    win, a, oy, ox, [&](int64_t iy, int64_t ix) { sum += x[size_t((c * a.h + iy) * a.w + ix)]; });
                y[size_t((c * b.h + oy) * b.w + ox)] = sum / double(poolCount(win, a, oy, ox));
            }
}

void softmax(const ir::Shape& shape, int axis, const Values& x, Values& y)
{
    const ChannelOf ch = channelOf(shape, axis);
    y.resize(x.size());
    const int64_t n = int64_t(x.size()), outer = n / (ch.dim * ch.inner);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t in = 0; in < ch.inner; ++in) {
            const int64_t base = o * ch.dim * ch.inner + in;
            double mx = -INFINITY, sum = 0;
            for (int64_t k = 0; k < ch.dim; ++k)
                mx = std::max(mx, x[size_t(base + k * ch.inner)]);
            for (int64_t k = 0; k < ch.dim; ++k)
                sum += (y[size_t(base + k * ch.inner)] = std::exp(x[size_t(base + k * ch.inner)] - mx));
            for (int64_t k = 0; k < ch.dim; ++k)
                y[size_t(base + k * ch.inner)] /= sum;
        }
}

void runLayer(const ir::Graph& g, int index, const Prepared& prep, std::vector<Values>& act)
{
    const ir::Layer& l = g.layers[size_t(index)];
    Values& y = act[size_t(index)];
    auto input = [&](size_t k) -> const Values& { return act[size_t(l.inputs.at(k))]; };
    auto inShape = [&](size_t k) -> const ir::Shape& { return g.layers[size_t(l.inputs.at(k))].outShape; };
    switch (l.kind) {
    case ir::LayerKind::Input:
        break; // filled by the caller
    case ir::LayerKind::Dense:
        if (l.learnedTables)
            tableDense(l, *prep.tableInput[size_t(index)], input(0), y);
        else
            dense(l, prep.weights[size_t(index)], input(0), y);
        break;
    case ir::LayerKind::Conv:
        conv(l, inShape(0), prep.weights[size_t(index)], input(0), y);
        break;
    case ir::LayerKind::MaxPool:
        y.resize(size_t(ir::elementCount(l.outShape)));
        maxPool(input(0).data(), inShape(0), l.window, l.outShape, y.data());
        break;
    case ir::LayerKind::AvgPool:
        avgPool(l, inShape(0), input(0), y);
        break;
    case ir::LayerKind::GlobalAvgPool: {
        const Chw a = chwOf(inShape(0));
        y.assign(size_t(a.c), 0.0);
        for (int64_t c = 0; c < a.c; ++c) {
            double sum = 0;
            for (int64_t i = 0; i < a.h * a.w; ++i)
                sum += input(0)[size_t(c * a.h * a.w + i)];
            y[size_t(c)] = sum / double(a.h * a.w);
        }
        break;
    }
    case ir::LayerKind::Add:
        y = input(0);
        for (size_t k = 1; k < l.inputs.size(); ++k)
            for (size_t i = 0; i < y.size(); ++i)
                y[i] += input(k)[i];
        break;
    case ir::LayerKind::Concat: {
        std::vector<const double*> ins;
        std::vector<ir::Shape> shapes;
        for (size_t k = 0; k < l.inputs.size(); ++k) {
            ins.push_back(input(k).data());
            shapes.push_back(inShape(k));
        }
        y.resize(size_t(ir::elementCount(l.outShape)));
        concat(ins, shapes, l.axis, y.data());
        break;
    }
    case ir::LayerKind::Pointwise:
    case ir::LayerKind::Flatten:
    case ir::LayerKind::Reshape:
        y = input(0);
        break;
    case ir::LayerKind::Transpose:
        y.resize(input(0).size());
        transpose(input(0).data(), inShape(0), l.perm, y.data());
        break;
    case ir::LayerKind::Resize:
        y.resize(size_t(ir::elementCount(l.outShape)));
        resizeNearest(input(0).data(), inShape(0), l.outShape, l.resizeScales, y.data());
        break;
    case ir::LayerKind::Softmax:
        softmax(l.outShape, l.axis, input(0), y);
        break;
    }
    if (!l.epilogue.empty()) {
        const ChannelOf ch = channelOf(l.outShape, l.channelAxis);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = ir::applyAll(l.epilogue, y[i], ch(int64_t(i)));
    }
}

void validate(const ir::Graph& g)
{
    if (g.layers.empty() || g.layers[0].kind != ir::LayerKind::Input)
        throw Error("graph '" + g.name + "' has no input layer");
    for (size_t i = 0; i < g.layers.size(); ++i) {
        const ir::Layer& l = g.layers[i];
        for (int in : l.inputs)
            if (in < 0 || in >= int(i))
                unsupported(l, "input index " + std::to_string(in) + " is not an earlier layer");
        if (l.kind != ir::LayerKind::Input && l.inputs.empty()) unsupported(l, "has no inputs");
        const int64_t inCount = l.inputs.empty() ? 0 : ir::elementCount(g.layers[size_t(l.inputs[0])].outShape);
        if (l.kind == ir::LayerKind::Dense) {
            if (l.weight.shape.size() != 2 || l.weight.shape[1] <= 0 || inCount % l.weight.shape[1] != 0
                || ir::elementCount(l.outShape) != inCount / l.weight.shape[1] * l.weight.shape[0])
                unsupported(l,
                    "weight shape " + ir::toString(l.weight.shape) + " does not fit input of " + std::to_string(inCount)
                        + " values and output " + ir::toString(l.outShape));
        }
        if (l.kind == ir::LayerKind::Conv) {
            const Chw a = chwOf(g.layers[size_t(l.inputs[0])].outShape), b = chwOf(l.outShape);
            if (l.weight.shape.size() != 4 || l.window.groups <= 0 || a.c % l.window.groups != 0
                || b.c % l.window.groups != 0 || l.weight.shape[0] != b.c || l.weight.shape[1] != a.c / l.window.groups)
                unsupported(l, "weight shape " + ir::toString(l.weight.shape) + " does not fit its input/output");
        }
        if (ir::hasWeights(l.kind) && int64_t(l.weight.data.size()) != ir::elementCount(l.weight.shape))
            unsupported(l, "weight data does not match its shape");
        if (ir::hasWeights(l.kind) && !l.bias.empty() && int64_t(l.bias.size()) != l.weight.shape[0])
            unsupported(l, "bias has " + std::to_string(l.bias.size()) + " values");
        if (l.kind == ir::LayerKind::Add)
            for (int in : l.inputs)
                if (ir::elementCount(g.layers[size_t(in)].outShape) != ir::elementCount(l.outShape))
                    unsupported(l, "inputs of different sizes (broadcasting Add is not supported)");
        if ((l.kind == ir::LayerKind::Pointwise || l.kind == ir::LayerKind::Flatten || l.kind == ir::LayerKind::Reshape
                || l.kind == ir::LayerKind::Transpose)
            && inCount != ir::elementCount(l.outShape))
            unsupported(l, "changes the element count");
        if (l.kind == ir::LayerKind::Transpose && l.perm.size() != g.layers[size_t(l.inputs[0])].outShape.size())
            unsupported(l, "permutation does not match the input rank");
    }
}

} // namespace

RunResult runFloat(const ir::Graph& g, const Dataset& inputs, const RunOptions& options, Progress& progress)
{
    validate(g);
    if (inputs.sampleSize() != ir::elementCount(g.layers[0].outShape))
        throw Error("inputs have " + std::to_string(inputs.sampleSize()) + " values per sample, model '" + g.name
            + "' takes " + ir::toString(g.layers[0].outShape));
    Prepared prep;
    prep.weights.resize(g.layers.size());
    prep.tableInput.resize(g.layers.size());
    prep.lastUse.assign(g.layers.size(), -1);
    for (size_t i = 0; i < g.layers.size(); ++i) {
        if (g.layers[i].kind == ir::LayerKind::Dense && g.layers[i].learnedTables)
            prep.tableInput[i] = tableInputFormat(g, int(i));
        else if (ir::hasWeights(g.layers[i].kind))
            prep.weights[i] = quant::effectiveWeights(g.layers[i]);
        for (int in : g.layers[i].inputs)
            prep.lastUse[size_t(in)] = int(i);
    }
    for (int out : g.outputs)
        prep.lastUse[size_t(out)] = int(g.layers.size());

    RunResult result = zeroedResult(g, inputs.count, false);
    const int workers = util::workerCount(options.threads, inputs.count);
    std::vector<std::vector<LayerRange>> ranges(size_t(workers), std::vector<LayerRange>(g.layers.size()));
    const int64_t block = options.blockSize > 0 ? options.blockSize : 16;
    util::parallelBlocks(inputs.count, block, workers, progress, "float model", [&](int worker, int64_t b, int64_t e) {
        std::vector<Values> act(g.layers.size());
        std::vector<LayerRange>& range = ranges[size_t(worker)];
        for (int64_t s = b; s < e; ++s) {
            act[0].assign(inputs.sample(s), inputs.sample(s) + inputs.sampleSize());
            for (int i = 0; i < int(g.layers.size()); ++i) {
                runLayer(g, i, prep, act);
                for (double v : act[size_t(i)]) {
                    range[size_t(i)].min = std::min(range[size_t(i)].min, v);
                    range[size_t(i)].max = std::max(range[size_t(i)].max, v);
                }
                for (int in : g.layers[size_t(i)].inputs)
                    if (prep.lastUse[size_t(in)] == i) Values().swap(act[size_t(in)]);
            }
            for (OutputTensor& t : result.outputs) {
                const Values& v = act[size_t(t.layer)];
                std::copy(v.begin(), v.end(), t.values.begin() + s * int64_t(v.size()));
            }
        }
    });
    result.ranges.resize(g.layers.size());
    for (size_t i = 0; i < g.layers.size(); ++i) {
        result.ranges[i].layer = int(i);
        result.ranges[i].name = g.layers[i].name;
        for (const auto& r : ranges)
            result.ranges[i].merge(r[i]);
    }
    return result;
}

RunResult runFloat(const ir::Graph& graph, const Dataset& inputs, const RunOptions& options)
{
    Progress none;
    return runFloat(graph, inputs, options, none);
}

} // namespace luthier::sim
