#include "arch/map_block.h"

#include "arch/tlmac/layer_units.h"
#include "quant/int_graph.h"
#include "sim/tensor_ops.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace luthier::arch {

namespace {

using ir::LayerKind;

// Element indices carry their port in the high bits while the shared layout code of the golden model
// (sim/tensor_ops.h) moves them, so hardware wiring and golden model use one index arithmetic.
constexpr int kPortShift = 40;

int64_t tagged(int port, int64_t index)
{
    return (int64_t(port) << kPortShift) | index;
}

std::vector<int64_t> identity(int port, int64_t count)
{
    std::vector<int64_t> v(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        v[size_t(i)] = tagged(port, i);
    return v;
}

// The source element of every output element of a data-movement layer.
std::vector<int64_t> movedSources(const quant::IntLayer& layer, const std::vector<BlockInput>& inputs)
{
    std::vector<int64_t> out(size_t(ir::elementCount(layer.outShape)));
    const std::vector<int64_t> in0 = identity(0, ir::elementCount(inputs[0].shape));
    switch (layer.kind) {
    case LayerKind::Transpose:
        sim::transpose(in0.data(), inputs[0].shape, layer.perm, out.data());
        break;
    case LayerKind::Resize:
        sim::resizeNearest(in0.data(), inputs[0].shape, layer.outShape, layer.resizeScales, out.data());
        break;
    case LayerKind::Concat: {
        std::vector<std::vector<int64_t>> parts;
        std::vector<const int64_t*> ptrs;
        std::vector<ir::Shape> shapes;
        for (size_t j = 0; j < inputs.size(); ++j)
            parts.push_back(identity(int(j), ir::elementCount(inputs[j].shape)));
        for (size_t j = 0; j < inputs.size(); ++j) {
            ptrs.push_back(parts[j].data());
            shapes.push_back(inputs[j].shape);
        }
        sim::concat(ptrs, shapes, layer.axis, out.data());
        break;
    }
    default: // element-wise (Pointwise, Flatten, ...): the same element
        out = identity(0, int64_t(out.size()));
        for (const BlockInput& in : inputs)
            if (ir::elementCount(in.shape) != int64_t(out.size()))
                throw Error("has " + std::to_string(ir::elementCount(in.shape)) + " input elements for "
                    + std::to_string(out.size()) + " outputs");
    }
    return out;
}

// Input taps of every output of a pooling window, as the golden model visits them (padding skipped).
void windowTerms(const quant::IntLayer& layer, const ir::Shape& inShape, DataBlock& b)
{
    const sim::Chw a = sim::chwOf(inShape), o = sim::chwOf(layer.outShape);
    const bool global = layer.kind == LayerKind::GlobalAvgPool;
    const ir::Window& w = layer.window;
    for (int64_t c = 0; c < o.c; ++c)
        for (int64_t oy = 0; oy < o.h; ++oy)
            for (int64_t ox = 0; ox < o.w; ++ox) {
                b.termStart.push_back(int64_t(b.terms.size()));
                b.channel.push_back(int32_t(c));
                if (global) {
                    for (int64_t k = 0; k < a.h * a.w; ++k)
                        b.terms.push_back({ 0, c * a.h * a.w + k });
                    continue;
                }
                for (int64_t ky = 0; ky < w.kernel[0]; ++ky) {
                    const int64_t iy = oy * w.stride[0] - w.padBegin[0] + ky * w.dilation[0];
                    for (int64_t kx = 0; kx < w.kernel[1]; ++kx) {
                        const int64_t ix = ox * w.stride[1] - w.padBegin[1] + kx * w.dilation[1];
                        if (iy >= 0 && iy < a.h && ix >= 0 && ix < a.w)
                            b.terms.push_back({ 0, (c * a.h + iy) * a.w + ix });
                    }
                }
                if (b.terms.size() == size_t(b.termStart.back()))
                    throw Error("has an output window that covers no input element");
            }
    b.termStart.push_back(int64_t(b.terms.size()));
}

// scale * code + offset = m * (q - z) for q = code + minInt (bipolar: q = 2 code - 1).
void affine(const BlockInput& in, int64_t m, int64_t z, int64_t& scale, int64_t& offset)
{
    if (!in.format) throw Error("adds raw accumulators, which have no integer format");
    scale = in.format->bipolar ? 2 * m : m;
    offset = m * ((in.format->bipolar ? -1 : in.format->minInt) - z);
}

// Estimate of the emitted block: every output's logic in parallel, one register stage. Maps beyond the
// whole-vector bus limit, and arithmetic whose parallel form would exceed kMaxParallelLuts, are estimated as
// the folded block a streaming design would use: kFoldedLanes outputs per cycle from buffered input and output
// maps in block RAM (the emitter does not write folded blocks yet and says so).
constexpr int64_t kFoldedLanes = 64;
constexpr int64_t kMaxParallelLuts = 16384;
constexpr double kBramBits = 36864.0;

void finishEstimate(HwLayer& hw, int64_t inBits)
{
    DataBlock& b = *hw.block;
    const int64_t outs = b.outputs();
    Resources r;
    if (b.op != DataBlock::Op::Move) {
        for (int64_t e = 0; e < outs; ++e) {
            const int64_t terms = b.termStart[size_t(e) + 1] - b.termStart[size_t(e)];
            if (b.op == DataBlock::Op::Max) // compare + select per extra tap
                r.lut += (terms - 1) * 2 * b.portBits[0];
            else // adder tree, one LUT per sum bit
                r.lut += (terms - 1) * b.accBits, r.carry += (terms - 1) * ((b.accBits + 3) / 4);
            if (b.output == DataBlock::Output::Thresholds) {
                // Constant comparators (a LUT per two bits with the carry chain) and the count of hits.
                const int64_t n = int64_t(b.levels.empty() ? 0 : b.levels[0].size());
                r.lut += n * ((b.accBits + 1) / 2) + n;
                r.carry += n * ((b.accBits + 3) / 4);
            }
        }
    }
    const bool folded
        = inBits > kMaxWholeVectorBits || outs * b.outputBits > kMaxWholeVectorBits || r.lut > kMaxParallelLuts;
    b.lanes = folded ? std::min(outs, kFoldedLanes) : outs;
    if (folded) {
        // The bank's logic: the mean output's logic per lane.
        r.lut = r.lut * b.lanes / std::max<int64_t>(1, outs);
        r.carry = r.carry * b.lanes / std::max<int64_t>(1, outs);
        r.bram += std::ceil(double(inBits) / kBramBits) + std::ceil(double(outs * b.outputBits) / kBramBits);
        r.ff += b.lanes * b.outputBits + 64; // lane registers, address counters
        r.lut += 64;
        hw.cycles = (outs + b.lanes - 1) / b.lanes + 2;
    } else {
        r.ff += outs * b.outputBits + 1;
        hw.cycles = 1;
    }
    hw.interval = hw.cycles;
    hw.estimate = r;
}

} // namespace

bool isBlockKind(ir::LayerKind kind)
{
    switch (kind) {
    case LayerKind::MaxPool:
    case LayerKind::AvgPool:
    case LayerKind::GlobalAvgPool:
    case LayerKind::Add:
    case LayerKind::Concat:
    case LayerKind::Transpose:
    case LayerKind::Resize:
    case LayerKind::Pointwise:
    case LayerKind::Flatten:
    case LayerKind::Reshape:
    case LayerKind::Softmax:
        return true;
    default:
        return false;
    }
}

void mapBlock(HwLayer& hw, const quant::IntLayer& layer, const std::vector<BlockInput>& inputs, bool isOutput,
    const std::string& label)
{
    try {
        if (inputs.empty()) throw Error("has no input");
        DataBlock b;
        const bool add = layer.kind == LayerKind::Add;
        const bool pool = layer.kind == LayerKind::MaxPool || layer.kind == LayerKind::AvgPool
            || layer.kind == LayerKind::GlobalAvgPool;
        if ((add || layer.kind == LayerKind::Concat) ? inputs.size() < 1 : inputs.size() != 1)
            throw Error("has " + std::to_string(inputs.size()) + " inputs");
        for (const BlockInput& in : inputs) {
            b.portCounts.push_back(ir::elementCount(in.shape));
            b.portBits.push_back(in.bits);
        }
        b.scale.assign(inputs.size(), 1);
        b.offset.assign(inputs.size(), 0);

        // Arithmetic: which integers the accumulator sums.
        const bool arithmetic = layer.kind == LayerKind::AvgPool || layer.kind == LayerKind::GlobalAvgPool || add
            || (layer.kind == LayerKind::Concat && !layer.multipliers.empty());
        if (layer.kind == LayerKind::Add || (layer.kind == LayerKind::Concat && !layer.multipliers.empty())) {
            if (layer.multipliers.size() != inputs.size() || layer.zeroPoints.size() != inputs.size())
                throw Error("has " + std::to_string(layer.multipliers.size()) + " multipliers for "
                    + std::to_string(inputs.size()) + " inputs");
            for (size_t j = 0; j < inputs.size(); ++j)
                affine(inputs[j], layer.multipliers[j], layer.zeroPoints[j], b.scale[j], b.offset[j]);
        } else if (layer.kind == LayerKind::AvgPool || layer.kind == LayerKind::GlobalAvgPool) {
            affine(inputs[0], 1, layer.padValue, b.scale[0], b.offset[0]);
        } else if (layer.requant) { // acc = q - z of the moved integer, whichever input it came from
            for (size_t j = 0; j < inputs.size(); ++j)
                affine(inputs[j], 1, layer.padValue, b.scale[j], b.offset[j]);
        }

        // Terms.
        if (pool) {
            windowTerms(layer, inputs[0].shape, b);
        } else if (add) {
            const int64_t n = ir::elementCount(layer.outShape);
            for (size_t j = 0; j < inputs.size(); ++j)
                if (b.portCounts[j] != n)
                    throw Error("input " + std::to_string(j) + " has " + std::to_string(b.portCounts[j])
                        + " elements, the sum " + std::to_string(n) + " (broadcasting is not supported in RTL)");
            const sim::ChannelOf ch = sim::channelOf(layer.outShape, layer.channelAxis);
            for (int64_t e = 0; e < n; ++e) {
                b.termStart.push_back(int64_t(b.terms.size()));
                b.channel.push_back(int32_t(ch(e)));
                for (size_t j = 0; j < inputs.size(); ++j)
                    b.terms.push_back({ int32_t(j), e });
            }
            b.termStart.push_back(int64_t(b.terms.size()));
        } else {
            const std::vector<int64_t> src = movedSources(layer, inputs);
            const sim::ChannelOf ch = sim::channelOf(layer.outShape, layer.channelAxis);
            for (size_t e = 0; e < src.size(); ++e) {
                b.termStart.push_back(int64_t(e));
                b.channel.push_back(int32_t(ch(int64_t(e))));
                b.terms.push_back({ int32_t(src[e] >> kPortShift), src[e] & ((int64_t(1) << kPortShift) - 1) });
            }
            b.termStart.push_back(int64_t(src.size()));
        }

        // Operation and output.
        if (layer.requant) {
            b.output = DataBlock::Output::Thresholds;
            b.op = layer.kind == LayerKind::MaxPool ? DataBlock::Op::Max : DataBlock::Op::Sum;
        } else if (arithmetic) {
            b.op = DataBlock::Op::Sum;
            b.output = layer.carried ? DataBlock::Output::Carried : DataBlock::Output::Raw;
            if (layer.carried) {
                if (layer.carried->bipolar) throw Error("carries a bipolar accumulator");
                b.carriedMin = layer.carried->minInt;
            } else if (!isOutput) {
                throw Error("outputs raw accumulators but is not the model output");
            }
        } else if (pool) { // MaxPool of one format: the largest code is the largest integer's code
            if (!inputs[0].format) throw Error("takes the maximum of raw accumulators");
            b.op = DataBlock::Op::Max;
            b.output = DataBlock::Output::Carried;
            b.carriedMin = 0;
            b.outputBits = inputs[0].bits;
        } else { // data movement: codes (or raw bits) pass unchanged
            b.op = DataBlock::Op::Move;
            b.output = inputs[0].format ? DataBlock::Output::Carried : DataBlock::Output::Raw;
            for (const BlockInput& in : inputs)
                if (in.bits != inputs[0].bits || (in.format == nullptr) != (inputs[0].format == nullptr)
                    || (in.format
                        && (in.format->minInt != inputs[0].format->minInt
                            || in.format->bipolar != inputs[0].format->bipolar)))
                    throw Error("joins inputs of different formats without rescaling");
            b.outputBits = inputs[0].bits;
        }

        // Accumulator range over every possible code, for the width of the arithmetic.
        if (b.op != DataBlock::Op::Move) {
            int64_t lo = 0, hi = 0;
            for (int64_t e = 0; e < b.outputs(); ++e) {
                int64_t elo = 0, ehi = 0;
                for (int64_t t = b.termStart[size_t(e)]; t < b.termStart[size_t(e) + 1]; ++t) {
                    const int p = b.terms[size_t(t)].port;
                    const int64_t maxCode = (int64_t(1) << b.portBits[size_t(p)]) - 1;
                    const int64_t v0 = b.offset[size_t(p)], v1 = b.scale[size_t(p)] * maxCode + b.offset[size_t(p)];
                    if (b.op == DataBlock::Op::Max) {
                        elo = std::min(v0, v1), ehi = std::max(v0, v1);
                        break;
                    }
                    elo += std::min(v0, v1), ehi += std::max(v0, v1);
                }
                lo = std::min(lo, elo), hi = std::max(hi, ehi);
            }
            b.accBits = tlmac::signedBitsFor(std::min(lo, -hi), std::max(hi, -lo) + 1);
            if (b.output == DataBlock::Output::Thresholds) {
                const quant::Thresholds& t = *layer.requant;
                const int64_t channels = int64_t(t.levels.size());
                size_t most = 0;
                for (const auto& l : t.levels)
                    most = std::max(most, l.size());
                for (int32_t c : b.channel)
                    if (c >= channels || int64_t(t.direction.size()) != channels)
                        throw Error("has thresholds for " + std::to_string(channels) + " channels, needs channel "
                            + std::to_string(c));
                // Levels beyond the accumulator range are clamped to it: comparisons keep their outcome.
                const int64_t top = (int64_t(1) << (b.accBits - 1)) - 1, bottom = -(int64_t(1) << (b.accBits - 1));
                b.direction = t.direction;
                for (const auto& l : t.levels) {
                    std::vector<int64_t> levels;
                    for (int64_t v : l)
                        levels.push_back(std::clamp(v, bottom, top));
                    levels.resize(most, top); // never reached by acc <= hi < top
                    b.levels.push_back(std::move(levels));
                }
                const int64_t codes = t.out.bipolar ? 2 : t.out.maxInt - t.out.minInt + 1;
                b.outputBits = tlmac::unsignedBitsFor(codes - 1);
            } else if (b.output == DataBlock::Output::Raw) {
                b.outputBits = std::max(2, tlmac::signedBitsFor(lo, hi));
            } else if (b.op == DataBlock::Op::Max) { // the code itself, outputBits already set
            } else {
                const int64_t maxCode = layer.carried->maxInt - layer.carried->minInt;
                if (lo < layer.carried->minInt || hi > layer.carried->maxInt)
                    throw Error(
                        "computes [" + std::to_string(lo) + ", " + std::to_string(hi) + "] outside its carried range");
                b.outputBits = tlmac::unsignedBitsFor(maxCode);
            }
        }
        b.what = layer.kind == LayerKind::MaxPool    ? "maxpool"
            : layer.kind == LayerKind::AvgPool       ? "avgpool"
            : layer.kind == LayerKind::GlobalAvgPool ? "globalavgpool"
            : add                                    ? "add"
            : layer.kind == LayerKind::Concat        ? "concat"
            : layer.kind == LayerKind::Transpose     ? "transpose"
            : layer.kind == LayerKind::Resize        ? "resize"
                                                     : "requant";
        hw.block = std::move(b);
        int64_t inBits = 0;
        hw.inputCount = 0;
        hw.inputBits = hw.block->portBits[0];
        for (size_t j = 0; j < inputs.size(); ++j) {
            inBits += hw.block->portCounts[j] * hw.block->portBits[j];
            hw.inputCount += hw.block->portCounts[j];
            if (hw.block->portBits[j] != hw.inputBits) hw.inputBits = 0; // mixed: the ports give the bus width
        }
        hw.outputCount = hw.block->outputs();
        hw.outputBits = hw.block->outputBits;
        hw.outputSigned = hw.block->output == DataBlock::Output::Raw;
        hw.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
            { "in_data", true, int(inBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
            { "out_data", false, int(hw.outputCount * hw.outputBits) } };
        finishEstimate(hw, inBits);
    } catch (const Error& e) {
        if (dynamic_cast<const Cancelled*>(&e)) throw;
        throw Error("RTL mapping: layer " + label + " " + e.what());
    }
}

} // namespace luthier::arch
