#include "sim/int_executor.h"

#include "sim/int_kernels.h"
#include "sim/tensor_ops.h"
#include "util/error.h"
#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace luthier::sim {

using ir::LayerKind;
using quant::IntFormat;
using quant::IntGraph;
using quant::IntLayer;

namespace {

using Ints = std::vector<int64_t>;

constexpr int64_t kInt16Max = 32767;
constexpr int64_t kInt32Max = 2147483647;

// Dense/Conv operands packed once: int16 when every weight and (q - z) fits and the accumulator bound
// fits in int32, else int32 operands with int64 accumulation.
struct LinearPlan {
    bool narrow = false;
    std::vector<int16_t> w16;
    std::vector<int32_t> w32;
    int64_t outCh = 0, rowSize = 0;
};

[[noreturn]] void fail(const IntGraph& g, const IntLayer& l, const std::string& why)
{
    const std::string name = g.source ? g.source->layers[size_t(l.source)].name : std::to_string(l.source);
    throw Error("integer model, layer '" + name + "': " + why);
}

int64_t inputCount(const IntGraph& g, const IntLayer& l, size_t k = 0)
{
    return ir::elementCount(g.layers[size_t(l.inputs.at(k))].outShape);
}

} // namespace

struct IntExecutor::Prepared {
    const IntGraph& g;
    std::vector<LinearPlan> linear;
    std::vector<int> lastUse;
    std::vector<ChannelOf> channel; // per layer: channel along channelAxis of outShape
    int64_t sampleSize = 0;

    explicit Prepared(const IntGraph& graph)
        : g(graph)
    {
        if (g.layers.empty() || g.layers[0].kind != LayerKind::Input) throw Error("integer graph has no input layer");
        sampleSize = ir::elementCount(g.layers[0].outShape);
        linear.resize(g.layers.size());
        lastUse.assign(g.layers.size(), -1);
        for (size_t i = 0; i < g.layers.size(); ++i) {
            const IntLayer& l = g.layers[i];
            channel.push_back(channelOf(l.outShape, l.channelAxis));
            for (int in : l.inputs) {
                if (in < 0 || in >= int(i))
                    fail(g, l, "input index " + std::to_string(in) + " is not an earlier layer");
                lastUse[size_t(in)] = int(i);
            }
            if (ir::hasWeights(l.kind)) planLinear(l, linear[i]);
        }
        for (int out : g.outputs) {
            if (out < 0 || out >= int(g.layers.size()))
                throw Error("integer graph output " + std::to_string(out) + " is not a layer");
            lastUse[size_t(out)] = int(g.layers.size());
        }
    }

    const IntFormat& inFormat(const IntLayer& l, size_t k = 0) const
    {
        const IntFormat* f = g.layers[size_t(l.inputs.at(k))].outFormat();
        if (!f) fail(g, l, "its input has no integer format");
        return *f;
    }

    void planLinear(const IntLayer& l, LinearPlan& p) const
    {
        if (l.weightShape.empty() || int64_t(l.weights.size()) != ir::elementCount(l.weightShape))
            fail(g, l, "weights do not match their shape");
        p.outCh = l.weightShape[0];
        p.rowSize = int64_t(l.weights.size()) / p.outCh;
        const IntFormat& in = inFormat(l);
        const int64_t aLo = in.bipolar ? -1 : in.minInt - l.padValue, aHi = in.bipolar ? 1 : in.maxInt - l.padValue;
        const int64_t aMax = std::max(std::llabs(aLo), std::llabs(aHi));
        int64_t wMax = 0;
        double bound = 0; // largest partial sum of |w| * |a| over any row
        for (int64_t o = 0; o < p.outCh; ++o) {
            double row = 0;
            for (int64_t i = 0; i < p.rowSize; ++i) {
                const int64_t w = std::llabs(l.weights[size_t(o * p.rowSize + i)]);
                wMax = std::max(wMax, w);
                row += double(w) * double(aMax);
            }
            bound = std::max(bound, row);
        }
        p.narrow = aLo >= -kInt16Max - 1 && aHi <= kInt16Max && wMax <= kInt16Max && bound <= double(kInt32Max);
        if (p.narrow)
            p.w16.assign(l.weights.begin(), l.weights.end());
        else
            p.w32.assign(l.weights.begin(), l.weights.end());
    }
};

namespace {

struct Block {
    int64_t samples = 0;
    std::vector<Ints> act; // per layer: samples * elementCount(outShape)
    std::vector<int16_t> a16;
    std::vector<int32_t> a32;
    std::vector<int32_t> acc32;
};

inline int64_t finishAcc(const IntLayer& l, int64_t acc, int64_t c)
{
    return l.requant ? l.requant->apply(acc, c) : acc;
}

void runDense(const IntLayer& l, const LinearPlan& p, const Ints& x, int64_t samples, Ints& y, Block& blk)
{
    const int64_t in = p.rowSize, out = p.outCh;
    const int64_t positions = int64_t(x.size()) / samples / in;
    const int64_t rows = samples * positions; // every (sample, position) is one input vector
    y.resize(size_t(rows * out));
    const int64_t z = l.padValue;
    if (p.narrow) {
        blk.a16.resize(size_t(rows * in));
        for (size_t i = 0; i < x.size(); ++i)
            blk.a16[i] = int16_t(x[i] - z);
        int32_t acc[4];
        for (int64_t o = 0; o + 4 <= out; o += 4) {
            const int16_t* w = p.w16.data() + o * in;
            for (int64_t r = 0; r < rows; ++r) {
                dot16x4(blk.a16.data() + r * in, w, w + in, w + 2 * in, w + 3 * in, in, acc);
                for (int k = 0; k < 4; ++k)
                    y[size_t(r * out + o + k)] = finishAcc(l, acc[k], o + k);
            }
        }
        for (int64_t o = out - out % 4; o < out; ++o)
            for (int64_t r = 0; r < rows; ++r)
                y[size_t(r * out + o)] = finishAcc(l, dot16(blk.a16.data() + r * in, p.w16.data() + o * in, in), o);
    } else {
        blk.a32.resize(size_t(rows * in));
        for (size_t i = 0; i < x.size(); ++i)
            blk.a32[i] = int32_t(x[i] - z);
        for (int64_t o = 0; o < out; ++o)
            for (int64_t r = 0; r < rows; ++r)
                y[size_t(r * out + o)] = finishAcc(l, dot32(blk.a32.data() + r * in, p.w32.data() + o * in, in), o);
    }
}

// Learned LUT-Dense tables (ir/learned_tables.h): acc_o = sum_i T_oi[code of q_i]; a pruned pair's entries are 0.
void runTableDense(const IntLayer& l, const IntFormat& in, const Ints& x, Ints& y)
{
    const ir::LearnedTables& t = *l.tables;
    const int64_t rows = int64_t(x.size()) / t.inputs;
    y.resize(size_t(rows * t.outputs));
    std::vector<int64_t> codes(size_t(t.inputs));
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < t.inputs; ++i)
            codes[size_t(i)] = int64_t(in.codeOf(x[size_t(r * t.inputs + i)]));
        for (int64_t o = 0; o < t.outputs; ++o) {
            int64_t acc = 0;
            for (int64_t i = 0; i < t.inputs; ++i)
                acc += t.table(o, i)[codes[size_t(i)]];
            y[size_t(r * t.outputs + o)] = finishAcc(l, acc, o);
        }
    }
}

template <typename T>
void im2col(const int64_t* x, const Chw& a, const IntLayer& l, int64_t group, int64_t cinG, int64_t kh, int64_t kw,
    const Chw& b, T* col)
{
    const ir::Window& win = l.window;
    const int64_t z = l.padValue;
    for (int64_t oy = 0; oy < b.h; ++oy)
        for (int64_t ox = 0; ox < b.w; ++ox)
            for (int64_t ci = 0; ci < cinG; ++ci) {
                const int64_t* xc = x + (group * cinG + ci) * a.h * a.w;
                for (int64_t ky = 0; ky < kh; ++ky) {
                    const int64_t iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
                    for (int64_t kx = 0; kx < kw; ++kx) {
                        const int64_t ix = ox * win.stride[1] - win.padBegin[1] + kx * win.dilation[1];
                        *col++ = (iy >= 0 && iy < a.h && ix >= 0 && ix < a.w) ? T(xc[iy * a.w + ix] - z) : T(0);
                    }
                }
            }
}

void runConv(const IntLayer& l, const LinearPlan& p, const ir::Shape& inShape, const int64_t* x, int64_t* y, Block& blk)
{
    const Chw a = chwOf(inShape), b = chwOf(l.outShape);
    const int64_t groups = l.window.groups, cinG = a.c / groups, coutG = b.c / groups;
    const int64_t kh = l.weightShape[2], kw = l.weightShape[3], k = cinG * kh * kw, pixels = b.h * b.w;
    for (int64_t g = 0; g < groups; ++g) {
        if (p.narrow) {
            blk.a16.resize(size_t(pixels * k));
            im2col(x, a, l, g, cinG, kh, kw, b, blk.a16.data());
        } else {
            blk.a32.resize(size_t(pixels * k));
            im2col(x, a, l, g, cinG, kh, kw, b, blk.a32.data());
        }
        for (int64_t o = g * coutG; o < (g + 1) * coutG; ++o)
            for (int64_t px = 0; px < pixels; ++px) {
                const int64_t acc = p.narrow ? dot16(blk.a16.data() + px * k, p.w16.data() + o * k, k)
                                             : dot32(blk.a32.data() + px * k, p.w32.data() + o * k, k);
                y[o * pixels + px] = finishAcc(l, acc, o);
            }
    }
}

void runAvgPool(const IntLayer& l, const ir::Shape& inShape, const int64_t* x, int64_t* y)
{
    const Chw a = chwOf(inShape), b = chwOf(l.outShape);
    const ir::Window& win = l.window;
    for (int64_t c = 0; c < b.c; ++c)
        for (int64_t oy = 0; oy < b.h; ++oy)
            for (int64_t ox = 0; ox < b.w; ++ox) {
                int64_t sum = 0;
                forEachWindowTap(
                    win, a, oy, ox, [&](int64_t iy, int64_t ix) { sum += x[(c * a.h + iy) * a.w + ix] - l.padValue; });
                *y++ = finishAcc(l, sum, c);
            }
}

} // namespace

IntExecutor::IntExecutor(const IntGraph& graph)
    : m_prep(std::make_unique<Prepared>(graph))
{
}

IntExecutor::~IntExecutor() = default;

std::vector<int64_t> IntExecutor::quantiseInput(const double* sample) const
{
    const IntGraph& g = m_prep->g;
    const ChannelOf ch = channelOf(g.layers[0].outShape, g.inputChannelAxis);
    std::vector<int64_t> q(size_t(m_prep->sampleSize));
    const std::vector<ir::PointwiseOp>& ops = g.inputQuantiser;
    // When the chain ends in its quantiser, the lattice index of the quantiser's output is toInt of its
    // input (QuantSpec::apply is (toInt - zp) * scale): skip the dequantise/requantise round trip.
    const bool endsInQuant = !ops.empty()
        && (ops.back().kind == ir::PointwiseKind::Quant || ops.back().kind == ir::PointwiseKind::Quantize);
    for (int64_t i = 0; i < m_prep->sampleSize; ++i) {
        const int64_t c = ch(i);
        if (endsInQuant) {
            double x = sample[i];
            for (size_t k = 0; k + 1 < ops.size(); ++k)
                x = ops[k].apply(x, c);
            q[size_t(i)] = ops.back().quant.toInt(x, c);
        } else {
            q[size_t(i)] = g.inputFormat.latticeIndex(ir::applyAll(ops, sample[i], c), c);
        }
    }
    return q;
}

namespace {

// Real values of a layer's integers (dequantised, or the raw accumulator's float chain).
void dequantise(const IntGraph& g, const IntLayer& l, const ChannelOf& channel, const Ints& q, std::vector<double>& v)
{
    v.resize(q.size());
    if (const IntFormat* f = l.outFormat()) {
        const ChannelOf ch = f->perChannel() ? channelOf(l.outShape, f->axis) : ChannelOf {};
        const int64_t per = ir::elementCount(l.outShape);
        for (size_t i = 0; i < q.size(); ++i)
            v[i] = f->dequantise(q[i], f->perChannel() ? ch(int64_t(i) % per) : 0);
        return;
    }
    if (l.accScale.empty()) fail(g, l, "has neither an integer format nor accumulator scales");
    const int64_t per = ir::elementCount(l.outShape);
    for (size_t i = 0; i < q.size(); ++i) {
        const int64_t c = channel(int64_t(i) % per);
        const size_t k = l.accScale.size() == 1 ? 0 : size_t(c);
        v[i] = ir::applyAll(l.accEpilogue, l.accScale[k] * double(q[i]) + l.accBias[k], c);
    }
}

void softmaxValues(const ir::Shape& shape, int axis, int64_t samples, std::vector<double>& v)
{
    const ChannelOf ch = channelOf(shape, axis);
    const int64_t n = int64_t(v.size()) / samples, outer = n / (ch.dim * ch.inner);
    for (int64_t s = 0; s < samples; ++s)
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t in = 0; in < ch.inner; ++in) {
                double* base = v.data() + s * n + o * ch.dim * ch.inner + in;
                double mx = -INFINITY, sum = 0;
                for (int64_t k = 0; k < ch.dim; ++k)
                    mx = std::max(mx, base[k * ch.inner]);
                for (int64_t k = 0; k < ch.dim; ++k)
                    sum += (base[k * ch.inner] = std::exp(base[k * ch.inner] - mx));
                for (int64_t k = 0; k < ch.dim; ++k)
                    base[k * ch.inner] /= sum;
            }
}

} // namespace

RunResult IntExecutor::run(const Dataset& inputs, const RunOptions& options, Progress& progress) const
{
    const Prepared& P = *m_prep;
    const IntGraph& g = P.g;
    if (inputs.sampleSize() != P.sampleSize)
        throw Error("inputs have " + std::to_string(inputs.sampleSize()) + " values per sample, the model takes "
            + ir::toString(g.layers[0].outShape));

    RunResult result = zeroedResult(g, inputs.count, true);
    const int workers = util::workerCount(options.threads, inputs.count);
    std::vector<std::vector<LayerRange>> ranges(size_t(workers), std::vector<LayerRange>(g.layers.size()));
    const int64_t block
        = options.blockSize > 0 ? options.blockSize : std::clamp<int64_t>((1 << 16) / P.sampleSize, 1, 64);

    util::parallelBlocks(
        inputs.count, block, workers, progress, "integer model", [&](int worker, int64_t begin, int64_t end) {
            Block blk;
            blk.samples = end - begin;
            blk.act.resize(g.layers.size());
            std::vector<double> values;
            for (size_t i = 0; i < g.layers.size(); ++i) {
                const IntLayer& l = g.layers[i];
                Ints& y = blk.act[i];
                const int64_t per = ir::elementCount(l.outShape);
                const int64_t n = blk.samples;
                auto x = [&](size_t k) -> const Ints& { return blk.act[size_t(l.inputs.at(k))]; };
                auto inShape = [&](size_t k) -> const ir::Shape& { return g.layers[size_t(l.inputs.at(k))].outShape; };
                switch (l.kind) {
                case LayerKind::Input:
                    y.resize(size_t(n * per));
                    for (int64_t s = 0; s < n; ++s) {
                        const Ints q = quantiseInput(inputs.sample(begin + s));
                        std::copy(q.begin(), q.end(), y.begin() + s * per);
                    }
                    break;
                case LayerKind::Dense:
                    if (l.tables)
                        runTableDense(l, P.inFormat(l), x(0), y);
                    else
                        runDense(l, P.linear[i], x(0), n, y, blk);
                    break;
                case LayerKind::Conv: {
                    y.resize(size_t(n * per));
                    const int64_t inPer = inputCount(g, l);
                    for (int64_t s = 0; s < n; ++s)
                        runConv(l, P.linear[i], inShape(0), x(0).data() + s * inPer, y.data() + s * per, blk);
                    break;
                }
                case LayerKind::AvgPool:
                case LayerKind::GlobalAvgPool: {
                    y.resize(size_t(n * per));
                    const int64_t inPer = inputCount(g, l);
                    for (int64_t s = 0; s < n; ++s) {
                        if (l.kind == LayerKind::AvgPool) {
                            runAvgPool(l, inShape(0), x(0).data() + s * inPer, y.data() + s * per);
                            continue;
                        }
                        const Chw a = chwOf(inShape(0));
                        for (int64_t c = 0; c < a.c; ++c) {
                            int64_t sum = 0;
                            const int64_t* src = x(0).data() + s * inPer + c * a.h * a.w;
                            for (int64_t k = 0; k < a.h * a.w; ++k)
                                sum += src[k] - l.padValue;
                            y[size_t(s * per + c)] = finishAcc(l, sum, c);
                        }
                    }
                    break;
                }
                case LayerKind::Add: {
                    y.assign(size_t(n * per), 0);
                    for (size_t k = 0; k < l.inputs.size(); ++k) {
                        const int64_t m = l.multipliers.at(k), z = l.zeroPoints.at(k);
                        const Ints& src = x(k);
                        for (size_t e = 0; e < y.size(); ++e)
                            y[e] += m * (src[e] - z);
                    }
                    if (l.requant)
                        for (size_t e = 0; e < y.size(); ++e)
                            y[e] = l.requant->apply(y[e], P.channel[i](int64_t(e) % per));
                    break;
                }
                case LayerKind::Concat: {
                    y.resize(size_t(n * per));
                    std::vector<Ints> aligned;
                    std::vector<const int64_t*> parts(l.inputs.size());
                    std::vector<ir::Shape> shapes(l.inputs.size());
                    if (!l.multipliers.empty()) aligned.resize(l.inputs.size());
                    for (int64_t s = 0; s < n; ++s) {
                        for (size_t k = 0; k < l.inputs.size(); ++k) {
                            const int64_t inPer = inputCount(g, l, k);
                            shapes[k] = inShape(k);
                            parts[k] = x(k).data() + s * inPer;
                            if (!l.multipliers.empty()) {
                                aligned[k].resize(size_t(inPer));
                                for (int64_t e = 0; e < inPer; ++e)
                                    aligned[k][size_t(e)] = l.multipliers[k] * (parts[k][e] - l.zeroPoints[k]);
                                parts[k] = aligned[k].data();
                            }
                        }
                        concat(parts, shapes, l.axis, y.data() + s * per);
                    }
                    if (l.requant) {
                        const int64_t z = l.multipliers.empty() ? l.padValue : 0;
                        for (size_t e = 0; e < y.size(); ++e)
                            y[e] = l.requant->apply(y[e] - z, P.channel[i](int64_t(e) % per));
                    }
                    break;
                }
                case LayerKind::MaxPool:
                case LayerKind::Transpose:
                case LayerKind::Resize: {
                    y.resize(size_t(n * per));
                    const int64_t inPer = inputCount(g, l);
                    for (int64_t s = 0; s < n; ++s) {
                        const int64_t* src = x(0).data() + s * inPer;
                        int64_t* dst = y.data() + s * per;
                        if (l.kind == LayerKind::MaxPool)
                            maxPool(src, inShape(0), l.window, l.outShape, dst);
                        else if (l.kind == LayerKind::Transpose)
                            transpose(src, inShape(0), l.perm, dst);
                        else
                            resizeNearest(src, inShape(0), l.outShape, l.resizeScales, dst);
                    }
                    if (l.requant)
                        for (size_t e = 0; e < y.size(); ++e)
                            y[e] = l.requant->apply(y[e] - l.padValue, P.channel[i](int64_t(e) % per));
                    break;
                }
                case LayerKind::Pointwise:
                case LayerKind::Flatten:
                case LayerKind::Reshape:
                case LayerKind::Softmax:
                    y = x(0);
                    if (l.requant)
                        for (size_t e = 0; e < y.size(); ++e)
                            y[e] = l.requant->apply(y[e] - l.padValue, P.channel[i](int64_t(e) % per));
                    break;
                }
                if (int64_t(y.size()) != n * per)
                    fail(g, l,
                        "produced " + std::to_string(y.size() / size_t(n)) + " values per sample, expected "
                            + ir::toString(l.outShape));

                // Ranges and outputs need real values; softmax computes them from its input's values.
                const bool isOutput = std::find(g.outputs.begin(), g.outputs.end(), int(i)) != g.outputs.end();
                LayerRange& r = ranges[size_t(worker)][i];
                r.integer = l.kind != LayerKind::Softmax;
                for (int64_t v : y) {
                    r.intMin = std::min(r.intMin, v);
                    r.intMax = std::max(r.intMax, v);
                }
                const IntFormat* f = l.outFormat();
                const bool monotone = f && !f->perChannel() && (f->bipolar || f->scaleAt(0) > 0);
                if (monotone && !isOutput && !y.empty()) {
                    r.min = std::min(r.min, f->dequantise(r.intMin, 0));
                    r.max = std::max(r.max, f->dequantise(r.intMax, 0));
                } else {
                    if (l.kind == LayerKind::Softmax) {
                        const IntLayer& src = g.layers[size_t(l.inputs[0])];
                        dequantise(g, src, P.channel[size_t(l.inputs[0])], y, values);
                        softmaxValues(l.outShape, l.axis, n, values);
                    } else {
                        dequantise(g, l, P.channel[i], y, values);
                    }
                    for (double v : values) {
                        r.min = std::min(r.min, v);
                        r.max = std::max(r.max, v);
                    }
                }
                for (OutputTensor& t : result.outputs)
                    if (t.layer == int(i)) {
                        std::copy(y.begin(), y.end(), t.ints.begin() + begin * per);
                        std::copy(values.begin(), values.end(), t.values.begin() + begin * per);
                    }
                for (int in : l.inputs)
                    if (P.lastUse[size_t(in)] == int(i)) Ints().swap(blk.act[size_t(in)]);
            }
        });
    result.ranges.resize(g.layers.size());
    for (size_t i = 0; i < g.layers.size(); ++i) {
        result.ranges[i].layer = int(i);
        result.ranges[i].name = g.source ? g.source->layers[size_t(g.layers[i].source)].name : std::to_string(i);
        for (const auto& r : ranges)
            result.ranges[i].merge(r[i]);
    }
    return result;
}

RunResult IntExecutor::run(const Dataset& inputs, const RunOptions& options) const
{
    Progress none;
    return run(inputs, options, none);
}

RunResult runInteger(const IntGraph& graph, const Dataset& inputs, const RunOptions& options)
{
    return IntExecutor(graph).run(inputs, options);
}

} // namespace luthier::sim
