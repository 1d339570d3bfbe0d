#include "quant/lower.h"

#include "quant/learned_tables_io.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

namespace luthier::quant {

namespace {

using ir::LayerKind;

constexpr double kExactLimit = 9007199254740992.0; // 2^53: accumulators stay exact in double too

[[noreturn]] void fail(const ir::Layer& l, const std::string& why)
{
    throw Error("cannot lower layer '" + l.name + "' (" + l.opType + ", " + ir::toString(l.kind) + "): " + why);
}

int64_t innerStride(const ir::Shape& shape, int axis)
{
    int64_t inner = 1;
    for (size_t a = size_t(axis) + 1; a < shape.size(); ++a)
        inner *= shape[a];
    return inner;
}

bool integral(double v)
{
    return std::isfinite(v) && v == std::nearbyint(v);
}

// Per output channel: real value before the epilogue = scale[c] * acc + bias[c]; acc in [lo[c], hi[c]].
struct Acc {
    std::vector<double> scale, bias;
    std::vector<double> lo, hi;

    explicit Acc(int64_t channels)
        : scale(size_t(channels), 1.0)
        , bias(size_t(channels), 0.0)
        , lo(size_t(channels), 0.0)
        , hi(size_t(channels), 0.0)
    {
    }
    size_t channels() const { return scale.size(); }
};

// Range of q - z for integers of format f (per-tensor zero point).
std::pair<double, double> shiftedRange(const IntFormat& f)
{
    if (f.bipolar) return { -1.0, 1.0 };
    const double z = f.zeroPointAt(0);
    return { double(f.minInt) - z, double(f.maxInt) - z };
}

int bitsFor(int64_t lo, int64_t hi)
{
    auto width = [](uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); };
    if (lo >= 0) return std::max(1, width(uint64_t(hi)));
    return 1 + std::max(width(uint64_t(-(lo + 1))), width(uint64_t(std::max<int64_t>(hi, 0))));
}

// The integer lattice a chain's output lies on: set by its last quantiser. QONNX Quant and ONNX
// DequantizeLinear give real values (scale, zero point); QuantizeLinear gives the integer levels.
std::optional<IntFormat> chainFormat(const std::vector<ir::PointwiseOp>& chain, int axis)
{
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        if (it->kind == ir::PointwiseKind::Quant || it->kind == ir::PointwiseKind::Dequantize
            || it->kind == ir::PointwiseKind::MultiThreshold)
            return formatOf(it->quant, axis);
        if (it->kind == ir::PointwiseKind::Quantize) {
            IntFormat f = formatOf(it->quant, axis);
            f.scale = { 1.0 };
            f.zeroPoint = { 0.0 };
            return f;
        }
    }
    return std::nullopt;
}

class Lowering {
public:
    Lowering(const ir::Graph& g, const LowerOptions& o)
        : m_g(g)
        , m_opt(o)
    {
    }

    IntGraph run()
    {
        if (m_g.layers.empty() || m_g.layers[0].kind != LayerKind::Input)
            throw Error("graph '" + m_g.name + "' has no input layer");
        m_out.source = &m_g;
        m_out.outputs = m_g.outputs;
        m_out.layers.resize(m_g.layers.size());
        for (size_t i = 0; i < m_g.layers.size(); ++i) {
            const ir::Layer& l = m_g.layers[i];
            IntLayer& il = m_out.layers[i];
            il.source = int(i);
            il.kind = l.kind;
            il.inputs = l.inputs;
            il.outShape = l.outShape;
            il.channelAxis = l.channelAxis;
            il.window = l.window;
            il.perm = l.perm;
            il.axis = l.axis;
            il.resizeScales = l.resizeScales;
            for (int in : l.inputs)
                if (in < 0 || in >= int(i)) fail(l, "input index " + std::to_string(in) + " is not an earlier layer");
            lowerLayer(l, il);
        }
        return std::move(m_out);
    }

private:
    const ir::Graph& m_g;
    const LowerOptions& m_opt;
    IntGraph m_out;

    int64_t channels(const ir::Layer& l) const { return l.outShape.empty() ? 1 : l.outChannels(); }

    const IntLayer& producer(const ir::Layer& l, size_t k = 0) const { return m_out.layers[size_t(l.inputs.at(k))]; }

    const IntFormat& requireFormat(const ir::Layer& l, size_t k = 0) const
    {
        const IntLayer& p = producer(l, k);
        if (!p.outFormat())
            fail(l,
                "its input '" + m_g.layers[size_t(p.source)].name
                    + "' is not quantised (no activation quantiser after it); give that layer activation bits");
        return *p.outFormat();
    }

    const IntFormat& requirePerTensor(const ir::Layer& l, size_t k = 0) const
    {
        const IntFormat& f = requireFormat(l, k);
        if (f.perChannel()) fail(l, "per-channel activation quantisation of its input is not supported here");
        return f;
    }

    // Same format on every channel that c maps to: per-tensor, or per-channel along this layer's channel axis.
    void requireChannelCompatible(const ir::Layer& l, const IntFormat& f) const
    {
        if (!f.perChannel()) return;
        if (f.axis != l.channelAxis || int64_t(std::max(f.scale.size(), f.zeroPoint.size())) != channels(l))
            fail(l, "per-channel input format does not run along this layer's channel axis");
        for (double z : f.zeroPoint)
            if (z != f.zeroPoint[0]) fail(l, "per-channel input zero points are not supported");
    }

    void lowerLayer(const ir::Layer& l, IntLayer& il)
    {
        switch (l.kind) {
        case LayerKind::Input:
            lowerInput(l, il);
            return;
        case LayerKind::Dense:
        case LayerKind::Conv:
            lowerLinear(l, il);
            return;
        case LayerKind::AvgPool:
        case LayerKind::GlobalAvgPool:
            lowerAvgPool(l, il);
            return;
        case LayerKind::Add:
            lowerAdd(l, il);
            return;
        case LayerKind::Concat:
            lowerConcat(l, il);
            return;
        case LayerKind::Softmax:
            // Probabilities are not integers: hardware takes the argmax of the input integers.
            if (!l.epilogue.empty()) fail(l, "an epilogue after Softmax is not supported");
            return;
        case LayerKind::MaxPool:
        case LayerKind::Pointwise:
        case LayerKind::Flatten:
        case LayerKind::Reshape:
        case LayerKind::Transpose:
        case LayerKind::Resize:
            lowerMove(l, il);
            return;
        }
        fail(l, "unsupported layer kind");
    }

    void lowerInput(const ir::Layer& l, IntLayer& il)
    {
        std::vector<ir::PointwiseOp> chain = l.epilogue;
        if (!chainFormat(chain, l.channelAxis)) {
            if (m_opt.inputBits < kMinInputBits || m_opt.inputBits > kMaxInputBits)
                throw Error("input quantiser: " + std::to_string(m_opt.inputBits) + " bits is outside "
                    + std::to_string(kMinInputBits) + ".." + std::to_string(kMaxInputBits) + " (--input-bits)");
            if (m_opt.inputFractionBits < kMinInputFractionBits || m_opt.inputFractionBits > kMaxInputFractionBits)
                throw Error("input quantiser: " + std::to_string(m_opt.inputFractionBits) + " fraction bits is outside "
                    + std::to_string(kMinInputFractionBits) + ".." + std::to_string(kMaxInputFractionBits)
                    + " (--input-frac)");
            ir::PointwiseOp q;
            q.kind = ir::PointwiseKind::Quant;
            q.quant.bits = m_opt.inputBits;
            q.quant.isSigned = true;
            q.quant.scale = { std::ldexp(1.0, -m_opt.inputFractionBits) };
            chain.push_back(q);
            m_out.notes.push_back("model input '" + m_g.inputName + "' has no quantiser: inserted signed "
                + std::to_string(m_opt.inputBits) + "-bit fixed point with " + std::to_string(m_opt.inputFractionBits)
                + " fraction bits (step 2^" + std::to_string(-m_opt.inputFractionBits) + ", range ±2^"
                + std::to_string(m_opt.inputBits - 1 - m_opt.inputFractionBits) + ")");
        }
        m_out.inputQuantiser = chain;
        m_out.inputChannelAxis = l.channelAxis;
        m_out.inputFormat = *chainFormat(chain, l.channelAxis);
        il.carried = m_out.inputFormat;
    }

    void lowerLinear(const ir::Layer& l, IntLayer& il)
    {
        const IntFormat& in = requirePerTensor(l);
        const double zIn = in.bipolar ? 0.0 : in.zeroPointAt(0);
        il.padValue = int64_t(zIn);
        const auto [qlo, qhi] = shiftedRange(in);
        const int64_t outCh = l.weight.shape.empty() ? 0 : l.weight.shape[0];
        if (outCh <= 0 || int64_t(l.weight.data.size()) != ir::elementCount(l.weight.shape))
            fail(l, "weight shape " + ir::toString(l.weight.shape) + " does not match its data");
        if (channels(l) != outCh)
            fail(l,
                "output channels " + std::to_string(channels(l)) + " differ from weight rows " + std::to_string(outCh));
        if (!l.bias.empty() && int64_t(l.bias.size()) != outCh)
            fail(l, "bias has " + std::to_string(l.bias.size()) + " values for " + std::to_string(outCh) + " outputs");
        const int64_t rowSize = int64_t(l.weight.data.size()) / outCh;

        const ir::QuantSpec& wq = l.weightQuant;
        std::vector<double> rowScale(static_cast<size_t>(outCh));
        il.weights.resize(l.weight.data.size());
        il.weightShape = l.weight.shape;
        il.weightScheme = wq.scheme;
        if (wq.quantised()) {
            if (wq.perChannel() && wq.axis != 0)
                fail(l,
                    "per-channel weight scales along weight axis " + std::to_string(wq.axis)
                        + " (only the output axis 0 can be folded into thresholds)");
            const std::vector<double> w = effectiveWeights(l);
            for (int64_t o = 0; o < outCh; ++o) {
                rowScale[size_t(o)] = wq.scaleAt(wq.perChannel() ? o : 0);
                for (int64_t i = 0; i < rowSize; ++i) {
                    const double v = w[size_t(o * rowSize + i)] / rowScale[size_t(o)];
                    if (!(std::fabs(v - std::nearbyint(v)) <= 1e-6 * std::max(1.0, std::fabs(v))))
                        fail(l,
                            "weight " + std::to_string(o * rowSize + i) + " is not an integer multiple of its scale");
                    il.weights[size_t(o * rowSize + i)] = int32_t(std::nearbyint(v));
                }
            }
            il.weightBits = wq.bipolar ? 1 : wq.bits;
            il.weightSigned = wq.bipolar || wq.isSigned || wq.minInt() < 0;
        } else {
            if (m_opt.ptqWeightBits <= 0)
                fail(l,
                    "weights are float (the model has no weight quantiser); set weight bits for post-training "
                    "quantisation");
            const int b = std::clamp(m_opt.ptqWeightBits, 2, 16);
            const double top = std::ldexp(1.0, b - 1) - 1;
            for (int64_t o = 0; o < outCh; ++o) {
                double mx = 0;
                for (int64_t i = 0; i < rowSize; ++i)
                    mx = std::max(mx, std::fabs(double(l.weight.data[size_t(o * rowSize + i)])));
                rowScale[size_t(o)] = mx > 0 ? mx / top : 1.0;
                for (int64_t i = 0; i < rowSize; ++i)
                    il.weights[size_t(o * rowSize + i)]
                        = int32_t(std::nearbyint(double(l.weight.data[size_t(o * rowSize + i)]) / rowScale[size_t(o)]));
            }
            il.weightBits = b;
            il.weightSigned = true;
            m_out.notes.push_back("layer '" + l.name + "': float weights quantised after training to "
                + std::to_string(b)
                + "-bit symmetric per output channel (the integer model approximates the float model here)");
        }

        if (l.learnedTables) {
            finish(l, il, tableAccumulator(l, il, in, outCh), l.epilogue);
            return;
        }
        Acc acc(outCh);
        const double sIn = in.scaleAt(0);
        for (int64_t o = 0; o < outCh; ++o) {
            acc.scale[size_t(o)] = rowScale[size_t(o)] * sIn;
            acc.bias[size_t(o)] = l.bias.empty() ? 0.0 : l.bias[size_t(o)];
            double lo = 0, hi = 0;
            for (int64_t i = 0; i < rowSize; ++i) {
                const double w = il.weights[size_t(o * rowSize + i)];
                // 0 is always reachable for a term: padding, or a zero weight
                lo += std::min({ 0.0, w * qlo, w * qhi });
                hi += std::max({ 0.0, w * qlo, w * qhi });
            }
            acc.lo[size_t(o)] = lo;
            acc.hi[size_t(o)] = hi;
        }
        finish(l, il, acc, l.epilogue);
    }

    // Learned LUT-Dense tables: acc = sum_i T_oi[code_i] on the tables' scale (default: the weights' one, so the
    // exact-product tables reproduce the layer); its range is over the codes the input format reaches.
    Acc tableAccumulator(const ir::Layer& l, IntLayer& il, const IntFormat& in, int64_t outCh)
    {
        const ir::LearnedTables& t = *l.learnedTables;
        if (l.kind != LayerKind::Dense)
            fail(l, "learned tables (" + t.origin + ") replace the products of Dense layers only");
        if (in.perChannel()) // one code lattice for every input: the tables are indexed by the code alone
            fail(l, "learned tables (" + t.origin + ") need a per-tensor input quantiser");
        const int64_t rowSize = int64_t(il.weights.size()) / outCh;
        checkTablesFit(t, l.name, outCh, rowSize, in.codeBits());
        il.tables = l.learnedTables;
        Acc acc(outCh);
        for (int64_t o = 0; o < outCh; ++o) {
            acc.scale[size_t(o)] = tableScale(t, l, in.scaleAt(0), o);
            acc.bias[size_t(o)] = l.bias.empty() ? 0.0 : l.bias[size_t(o)];
            for (int64_t i = 0; i < rowSize; ++i) {
                if (!t.has(o, i)) continue;
                const int64_t* table = t.table(o, i);
                const auto [lo, hi] = std::minmax_element(table, table + in.maxCode() + 1);
                acc.lo[size_t(o)] += double(*lo);
                acc.hi[size_t(o)] += double(*hi);
            }
        }
        m_out.notes.push_back(
            "layer '" + l.name + "' computes learned LUT-Dense tables from " + t.origin + " instead of its weights");
        return acc;
    }

    void lowerAvgPool(const ir::Layer& l, IntLayer& il)
    {
        const IntFormat& in = requireFormat(l);
        requireChannelCompatible(l, in);
        il.padValue = in.bipolar ? 0 : int64_t(in.zeroPointAt(0));
        const auto [qlo, qhi] = shiftedRange(in);
        double count = 0;
        if (l.kind == LayerKind::GlobalAvgPool) {
            const ir::Shape& s = m_g.layers[size_t(l.inputs[0])].outShape;
            count = double(ir::elementCount(s) / std::max<int64_t>(1, s.empty() ? 1 : s[0]));
        } else {
            const ir::Window& w = l.window;
            const bool padded = w.padBegin[0] || w.padBegin[1] || w.padEnd[0] || w.padEnd[1];
            if (padded && !w.countIncludePad)
                fail(l, "average pooling over padding with count_include_pad=0 divides by a varying count");
            count = double(w.kernel[0] * w.kernel[1]);
        }
        Acc acc(channels(l));
        for (size_t c = 0; c < acc.channels(); ++c) {
            acc.scale[c] = in.scaleAt(in.perChannel() ? int64_t(c) : 0) / count;
            acc.lo[c] = count * std::min(0.0, qlo);
            acc.hi[c] = count * std::max(0.0, qhi);
        }
        finish(l, il, acc, l.epilogue);
    }

    // A common scale S with every input scale an integer multiple of it: scales are dyadic rationals
    // m * 2^e; S = gcd(m) * 2^min(e).
    double commonScale(const ir::Layer& l, const std::vector<double>& scales, std::vector<int64_t>& multipliers) const
    {
        int minExp = 0;
        bool first = true;
        std::vector<std::pair<int64_t, int>> parts;
        for (double s : scales) {
            if (!(s > 0) || !std::isfinite(s)) fail(l, "input scale " + std::to_string(s) + " is not positive");
            int e = 0;
            const double frac = std::frexp(s, &e); // s = frac * 2^e, frac in [0.5, 1)
            int64_t m = int64_t(std::ldexp(frac, 53));
            e -= 53;
            while (m % 2 == 0) {
                m /= 2;
                ++e;
            }
            parts.push_back({ m, e });
            minExp = first ? e : std::min(minExp, e);
            first = false;
        }
        int64_t g = 0;
        for (const auto& [m, e] : parts)
            g = std::gcd(g, m);
        multipliers.clear();
        for (const auto& [m, e] : parts) {
            const double mult = std::ldexp(double(m / g), e - minExp);
            if (mult > double(int64_t(1) << 24))
                fail(l, "input scales differ by a factor the integer alignment cannot represent exactly (> 2^24)");
            multipliers.push_back(int64_t(mult));
        }
        return std::ldexp(double(g), minExp);
    }

    void lowerAdd(const ir::Layer& l, IntLayer& il)
    {
        std::vector<double> scales;
        for (size_t k = 0; k < l.inputs.size(); ++k) {
            const IntFormat& f = requirePerTensor(l, k);
            scales.push_back(f.scaleAt(0));
            il.zeroPoints.push_back(f.bipolar ? 0 : int64_t(f.zeroPointAt(0)));
        }
        const double s = commonScale(l, scales, il.multipliers);
        Acc acc(channels(l));
        for (size_t c = 0; c < acc.channels(); ++c) {
            acc.scale[c] = s;
            for (size_t k = 0; k < l.inputs.size(); ++k) {
                const auto [qlo, qhi] = shiftedRange(*producer(l, k).outFormat());
                acc.lo[c] += double(il.multipliers[k]) * qlo;
                acc.hi[c] += double(il.multipliers[k]) * qhi;
            }
        }
        finish(l, il, acc, l.epilogue);
    }

    static bool sameFormat(const IntFormat& a, const IntFormat& b)
    {
        return a.bipolar == b.bipolar && a.minInt == b.minInt && a.maxInt == b.maxInt && a.scale == b.scale
            && a.zeroPoint == b.zeroPoint && (!a.perChannel() || a.axis == b.axis);
    }

    void lowerConcat(const ir::Layer& l, IntLayer& il)
    {
        const IntFormat& f0 = requirePerTensor(l, 0);
        bool same = true;
        for (size_t k = 1; k < l.inputs.size(); ++k)
            same = same && sameFormat(f0, requirePerTensor(l, k));
        if (same) {
            if (l.epilogue.empty()) {
                il.carried = f0;
                return;
            }
            il.padValue = f0.bipolar ? 0 : int64_t(f0.zeroPointAt(0));
            const auto [qlo, qhi] = shiftedRange(f0);
            Acc acc(channels(l));
            for (size_t c = 0; c < acc.channels(); ++c) {
                acc.scale[c] = f0.scaleAt(0);
                acc.lo[c] = qlo;
                acc.hi[c] = qhi;
            }
            finish(l, il, acc, l.epilogue);
            return;
        }
        // Different formats: align exactly on a common scale, then requantise if the layer has a quantiser.
        std::vector<double> scales;
        for (size_t k = 0; k < l.inputs.size(); ++k) {
            const IntFormat& f = *producer(l, k).outFormat();
            scales.push_back(f.scaleAt(0));
            il.zeroPoints.push_back(f.bipolar ? 0 : int64_t(f.zeroPointAt(0)));
        }
        const double s = commonScale(l, scales, il.multipliers);
        double lo = 0, hi = 0;
        for (size_t k = 0; k < l.inputs.size(); ++k) {
            const auto [qlo, qhi] = shiftedRange(*producer(l, k).outFormat());
            lo = std::min(lo, double(il.multipliers[k]) * qlo);
            hi = std::max(hi, double(il.multipliers[k]) * qhi);
        }
        Acc acc(channels(l));
        for (size_t c = 0; c < acc.channels(); ++c) {
            acc.scale[c] = s;
            acc.lo[c] = lo;
            acc.hi[c] = hi;
        }
        finish(l, il, acc, l.epilogue);
    }

    // MaxPool, Pointwise, Flatten, Reshape, Transpose, Resize: integers move unchanged; an epilogue
    // requantises them (acc = q - z), and after an unquantised accumulator the float chain extends.
    void lowerMove(const ir::Layer& l, IntLayer& il)
    {
        const IntLayer& p = producer(l);
        const bool reshapes
            = l.kind == LayerKind::Flatten || l.kind == LayerKind::Reshape || l.kind == LayerKind::Transpose;
        if (!p.outFormat()) {
            // Raw accumulator in: keep it raw and compose the float chain.
            if (l.kind == LayerKind::MaxPool) fail(l, "max pooling an unquantised accumulator");
            const auto uniform = [](const std::vector<double>& v) {
                return std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; });
            };
            const bool flattens = l.kind == LayerKind::Flatten || l.kind == LayerKind::Reshape;
            const bool perChannel = !uniform(p.accScale) || !uniform(p.accBias);
            if (flattens && (perChannel || !p.accEpilogue.empty()))
                fail(l, "reshaping an unquantised accumulator with per-channel parameters");
            if (l.kind == LayerKind::Transpose) {
                // The channel axis moves with the data.
                const auto it = std::find(l.perm.begin(), l.perm.end(), int64_t(p.channelAxis));
                const int moved = int(it - l.perm.begin());
                if (!l.epilogue.empty() && moved != l.channelAxis && perChannel)
                    fail(l, "an epilogue on a transposed per-channel accumulator");
                il.channelAxis = moved;
            } else if (!flattens) {
                il.channelAxis = p.channelAxis;
            }
            const bool chained = perChannel || !p.accEpilogue.empty() || !l.epilogue.empty();
            Acc acc(flattens || !chained || l.outShape.empty() ? 1 : l.outShape[size_t(il.channelAxis)]);
            for (size_t c = 0; c < acc.channels(); ++c) {
                const size_t pc = p.accScale.size() == 1 ? 0 : c;
                acc.scale[c] = p.accScale.at(pc);
                acc.bias[c] = p.accBias.at(pc);
                acc.lo[c] = double(p.accMin);
                acc.hi[c] = double(p.accMax);
            }
            std::vector<ir::PointwiseOp> chain = p.accEpilogue;
            chain.insert(chain.end(), l.epilogue.begin(), l.epilogue.end());
            finish(l, il, acc, chain);
            return;
        }
        const IntFormat& in = *p.outFormat();
        if (l.kind == LayerKind::MaxPool && !in.bipolar)
            for (double s : in.scale)
                if (!(s > 0)) fail(l, "max pooling integers with a non-positive scale");
        if (l.epilogue.empty()) {
            IntFormat f = in;
            if (f.perChannel() && l.kind == LayerKind::Transpose) {
                const auto it = std::find(l.perm.begin(), l.perm.end(), int64_t(f.axis));
                f.axis = int(it - l.perm.begin());
            } else if (f.perChannel() && (l.kind == LayerKind::Flatten || l.kind == LayerKind::Reshape)) {
                fail(l, "reshaping a per-channel quantised tensor");
            }
            il.carried = f;
            return;
        }
        if (reshapes && in.perChannel()) fail(l, "an epilogue after reshaping a per-channel quantised tensor");
        requireChannelCompatible(l, in);
        il.padValue = in.bipolar ? 0 : int64_t(in.zeroPointAt(0));
        const auto [qlo, qhi] = shiftedRange(in);
        Acc acc(channels(l));
        for (size_t c = 0; c < acc.channels(); ++c) {
            acc.scale[c] = in.scaleAt(in.perChannel() ? int64_t(c) : 0);
            acc.lo[c] = qlo;
            acc.hi[c] = qhi;
        }
        finish(l, il, acc, l.epilogue);
    }

    // Decides the output: thresholds when the chain quantises, an exact integer format when nothing
    // follows the accumulator, otherwise the raw accumulator with its float chain.
    void finish(const ir::Layer& l, IntLayer& il, const Acc& acc, const std::vector<ir::PointwiseOp>& chain)
    {
        double lo = 0, hi = 0;
        for (size_t c = 0; c < acc.channels(); ++c) {
            if (std::fabs(acc.lo[c]) >= kExactLimit || std::fabs(acc.hi[c]) >= kExactLimit)
                fail(l, "the accumulator can exceed 53 bits");
            lo = c ? std::min(lo, acc.lo[c]) : acc.lo[c];
            hi = c ? std::max(hi, acc.hi[c]) : acc.hi[c];
        }
        il.accScale = acc.scale;
        il.accBias = acc.bias;
        il.accMin = int64_t(lo);
        il.accMax = int64_t(hi);
        if (const std::optional<IntFormat> f = chainFormat(chain, l.channelAxis)) {
            il.requant = thresholds(l, chain, acc, *f);
            return;
        }
        const bool noBias = std::all_of(acc.bias.begin(), acc.bias.end(), [](double b) { return b == 0; });
        if (chain.empty() && noBias) {
            IntFormat f;
            f.minInt = il.accMin;
            f.maxInt = il.accMax;
            f.bits = bitsFor(f.minInt, f.maxInt);
            f.isSigned = f.minInt < 0;
            const bool uniform
                = std::all_of(acc.scale.begin(), acc.scale.end(), [&](double s) { return s == acc.scale[0]; });
            f.scale = uniform ? std::vector<double> { acc.scale[0] } : acc.scale;
            f.axis = l.channelAxis;
            il.carried = f;
            return;
        }
        il.accEpilogue = chain;
    }

    Thresholds thresholds(
        const ir::Layer& l, const std::vector<ir::PointwiseOp>& chain, const Acc& acc, const IntFormat& out) const
    {
        Thresholds t;
        t.out = out;
        const int64_t steps = out.bipolar ? 1 : out.maxInt - out.minInt;
        if (steps > m_opt.maxLevels)
            fail(l,
                "a " + std::to_string(out.bits) + "-bit output needs " + std::to_string(steps)
                    + " thresholds per channel (limit " + std::to_string(m_opt.maxLevels) + ")");
        for (size_t c = 0; c < acc.channels(); ++c) {
            const int dir = ir::monotoneDirection(chain, int64_t(c));
            if (dir == 0)
                fail(l,
                    "its epilogue (" + describe(chain) + ") is not monotone on channel " + std::to_string(c)
                        + ", so it cannot become thresholds");
            const int64_t uLo = int64_t(dir > 0 ? acc.lo[c] : -acc.hi[c]);
            const int64_t uHi = int64_t(dir > 0 ? acc.hi[c] : -acc.lo[c]);
            // g(u) = output integer at acc = dir * u: non-decreasing in u.
            auto g = [&](int64_t u) {
                const double x = acc.scale[c] * double(dir * u) + acc.bias[c];
                try {
                    return out.latticeIndex(ir::applyAll(chain, x, int64_t(c)), int64_t(c));
                } catch (const Error& e) {
                    fail(l, std::string("epilogue output: ") + e.what());
                }
            };
            std::vector<int64_t> levels(static_cast<size_t>(steps));
            int64_t from = uLo;
            const int64_t top = g(uHi);
            for (int64_t k = 1; k <= steps; ++k) {
                const int64_t target = out.bipolar ? 1 : out.minInt + k;
                if (top < target) {
                    std::fill(levels.begin() + (k - 1), levels.end(), uHi + 1);
                    break;
                }
                int64_t a = from, b = uHi; // smallest u in [a, b] with g(u) >= target; g(b) >= target
                while (a < b) {
                    const int64_t mid = a + (b - a) / 2;
                    if (g(mid) >= target)
                        b = mid;
                    else
                        a = mid + 1;
                }
                levels[size_t(k - 1)] = a;
                from = a;
            }
            t.direction.push_back(int8_t(dir));
            t.levels.push_back(std::move(levels));
        }
        return t;
    }

    static std::string describe(const std::vector<ir::PointwiseOp>& chain)
    {
        std::string s;
        for (const ir::PointwiseOp& op : chain)
            s += (s.empty() ? "" : " -> ") + std::string(op.name());
        return s;
    }
};

} // namespace

IntFormat formatOf(const ir::QuantSpec& q, int axis)
{
    IntFormat f;
    f.bits = q.bipolar ? 1 : q.bits;
    f.isSigned = q.bipolar || q.isSigned;
    f.bipolar = q.bipolar;
    f.minInt = q.minInt();
    f.maxInt = q.maxInt();
    f.scale = q.scale;
    f.zeroPoint = q.bipolar ? std::vector<double> { 0.0 } : q.zeroPoint;
    f.axis = axis;
    for (double z : f.zeroPoint)
        if (!integral(z))
            throw Error("quantiser " + q.describe() + " has a non-integer zero point " + std::to_string(z));
    return f;
}

std::vector<double> effectiveWeights(const ir::Layer& layer)
{
    const ir::QuantSpec& q = layer.weightQuant;
    std::vector<double> w(layer.weight.data.begin(), layer.weight.data.end());
    if (!q.quantised()) return w;
    const bool perChannel = q.perChannel() && q.axis >= 0 && q.axis < int(layer.weight.shape.size());
    const int64_t inner = perChannel ? innerStride(layer.weight.shape, q.axis) : 1;
    const int64_t dim = perChannel ? layer.weight.shape[size_t(q.axis)] : 1;
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = q.apply(w[i], perChannel ? (int64_t(i) / inner) % dim : 0);
    return w;
}

IntGraph lowerToInteger(const ir::Graph& graph, const LowerOptions& options)
{
    return Lowering(graph, options).run();
}

} // namespace luthier::quant
