#include "arch/map_dense.h"

#include "arch/tlmac/plan.h"
#include "quant/int_graph.h"
#include "util/error.h"

#include <algorithm>

namespace luthier::arch {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) // b > 0
{
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

} // namespace

int ceilLog2(int64_t n)
{
    int bits = 0;
    while (bits < 62 && (int64_t(1) << bits) < n)
        ++bits;
    return bits;
}

int adderTreeStages(int64_t terms, int every) { return every > 0 ? ceilLog2(terms) / every : 0; }

Resources adderTreeResources(const std::vector<std::vector<TermRange>>& terms, int every)
{
    size_t widest = 1;
    for (const auto& t : terms)
        widest = std::max(widest, t.size());
    const int levels = ceilLog2(int64_t(widest));
    Resources r;
    for (const auto& output : terms) {
        std::vector<TermRange> level = output.empty() ? std::vector<TermRange> { { 0, 0 } } : output;
        for (int depth = 1; depth <= levels; ++depth) {
            const bool registered = every > 0 && depth % every == 0;
            if (level.size() == 1 && !registered)
                continue;
            std::vector<TermRange> next;
            for (size_t k = 0; k < level.size(); k += 2) {
                const bool pair = k + 1 < level.size();
                const TermRange t { level[k].first + (pair ? level[k + 1].first : 0),
                    level[k].second + (pair ? level[k + 1].second : 0) };
                const int w = std::max(1, tlmac::signedBitsFor(t.first, t.second));
                if (pair) {
                    r.lut += w;
                    r.carry += (w + 3) / 4;
                }
                if (registered)
                    r.ff += w;
                next.push_back(t);
            }
            level = std::move(next);
        }
    }
    return r;
}

void finishParallelLayer(HwLayer& hw, DenseDatapath d, const std::vector<std::vector<TermRange>>& terms,
    Resources products)
{
    size_t widest = 1;
    for (const auto& t : terms)
        widest = std::max(widest, t.size());
    const int stages = adderTreeStages(int64_t(widest), d.pipelineEvery);
    Resources r = products;
    r += adderTreeResources(terms, d.pipelineEvery);
    r += denseOutputResources(d, d.outputs);
    r.ff += d.inputs * d.inputBits + stages + 2; // input register, valid bits
    hw.estimate = r;
    hw.cycles = stages + 1;
    hw.interval = 1;
    hw.accumulators.clear();
    setDensePorts(hw, d, d.outputs);
    hw.dense = std::move(d);
}

Resources denseOutputResources(const DenseArithmetic& d, int64_t outputs)
{
    Resources r;
    if (d.raw) {
        r.lut = outputs * d.rawBits;
        r.carry = outputs * ((d.rawBits + 3) / 4);
        r.ff = outputs * d.rawBits;
        return r;
    }
    // A comparison with a constant: one LUT per two bits on a carry chain; the count adds the comparator bits.
    const int width = d.compareBits + 1;
    const int64_t never = (int64_t(1) << (d.compareBits - 1)) - 1, always = -(int64_t(1) << (d.compareBits - 1));
    for (int64_t o = 0; o < outputs; ++o) {
        int64_t compares = 0;
        for (int64_t level : d.compareLevels[size_t(o)])
            compares += level != never && level != always;
        r.lut += compares * ((width + 1) / 2) + (compares > 1 ? compares - 1 : 0);
        r.carry += compares * ((width + 7) / 8);
    }
    r.ff = outputs * d.outputBits;
    return r;
}

void setDensePorts(HwLayer& hw, const DenseArithmetic& d, int64_t outputs)
{
    hw.inputCount = d.inputs;
    hw.inputBits = d.inputBits;
    hw.outputCount = outputs;
    hw.outputBits = d.outBits();
    hw.outputSigned = d.raw;
    hw.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(d.inputs * d.inputBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(outputs * d.outBits()) } };
}

DenseArithmetic denseArithmetic(const DenseSource& source, const std::vector<int32_t>& weights, int64_t outputs,
    int64_t inputs)
{
    const quant::IntLayer& layer = source.layer;
    const quant::IntFormat& in = source.input;
    const std::string& label = source.label;
    DenseArithmetic d;
    d.inputs = inputs;
    const int64_t maxCode = in.bipolar ? 1 : in.maxInt - in.minInt;
    if (maxCode < 1)
        throw Error("layer " + label + ": its input format has a single level");
    d.inputBits = 0;
    while ((int64_t(1) << d.inputBits) <= maxCode)
        ++d.inputBits;
    d.inputScale = in.bipolar ? 2 : 1;
    const int64_t q0 = in.bipolar ? -1 : in.minInt;
    const int64_t z = layer.padValue;

    int64_t sMin = 0, sMax = 0, rawMin = 0, rawMax = 0;
    d.offset.resize(size_t(outputs));
    for (int64_t o = 0; o < outputs; ++o) {
        int64_t rowSum = 0, neg = 0, pos = 0;
        for (int64_t i = 0; i < inputs; ++i) {
            const int64_t w = weights[size_t(o * inputs + i)];
            rowSum += w;
            (w < 0 ? neg : pos) += w * maxCode;
        }
        d.offset[size_t(o)] = (q0 - z) * rowSum;
        sMin = std::min(sMin, neg);
        sMax = std::max(sMax, pos);
        rawMin = std::min(rawMin, d.inputScale * neg + d.offset[size_t(o)]);
        rawMax = std::max(rawMax, d.inputScale * pos + d.offset[size_t(o)]);
    }
    d.accBits = std::max(2, tlmac::signedBitsFor(sMin, sMax));

    if (!layer.requant) {
        d.raw = true;
        d.rawBits = std::max(2, tlmac::signedBitsFor(rawMin, rawMax));
        return d;
    }
    const quant::Thresholds& t = *layer.requant;
    if (int64_t(t.levels.size()) != outputs || int64_t(t.direction.size()) != outputs)
        throw Error("layer " + label + ": thresholds for " + std::to_string(t.levels.size()) + " channels, "
            + std::to_string(outputs) + " outputs");
    const int64_t codes = t.out.bipolar ? 2 : t.out.maxInt - t.out.minInt + 1;
    d.outputBits = 0;
    while ((int64_t(1) << d.outputBits) < codes)
        ++d.outputBits;
    d.outputBits = std::max(1, d.outputBits);
    d.compareBits = d.accBits + 1;
    const int64_t hi = (int64_t(1) << (d.compareBits - 1)) - 1, lo = -(int64_t(1) << (d.compareBits - 1));
    for (const auto& l : t.levels)
        d.thresholdsPerOutput = std::max(d.thresholdsPerOutput, int(l.size()));
    d.compareSign.resize(size_t(outputs));
    d.compareLevels.resize(size_t(outputs));
    for (int64_t o = 0; o < outputs; ++o) {
        // acc = m S + f.  dir +1: acc >= L <=> S >= ceil((L - f) / m).  dir -1: -acc >= L <=> -S >= ceil((L + f) / m).
        const int sign = t.direction[size_t(o)] < 0 ? -1 : 1;
        d.compareSign[size_t(o)] = int8_t(sign);
        auto& levels = d.compareLevels[size_t(o)];
        for (int64_t level : t.levels[size_t(o)]) {
            const int64_t f = d.offset[size_t(o)];
            const int64_t v = ceilDiv(sign > 0 ? level - f : level + f, d.inputScale);
            levels.push_back(std::clamp(v, lo, hi));
        }
        levels.resize(size_t(d.thresholdsPerOutput), hi); // never reached: the count stays
    }
    return d;
}

DenseDatapath denseDatapath(const DenseSource& source, const MapOptions& options)
{
    const tlmac::LayerWeights w = tlmac::layerWeightsOf(source.layer);
    if (w.rows != 1)
        throw Error("layer " + source.label + ": a dense template needs a {outputs, inputs} weight matrix");
    DenseDatapath d;
    static_cast<DenseArithmetic&>(d) = denseArithmetic(source, w.values, w.outputs, w.rowLength);
    d.outputs = w.outputs;
    d.weights = w.values;
    int32_t lo = 0, hi = 0;
    for (int32_t v : w.values)
        lo = std::min(lo, v), hi = std::max(hi, v);
    d.weightBits = std::max(1, tlmac::signedBitsFor(lo, hi));
    d.lutInputs = options.tlmac.lutInputs;
    return d;
}

} // namespace luthier::arch
