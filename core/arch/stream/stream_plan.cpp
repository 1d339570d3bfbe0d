#include "arch/stream/stream_plan.h"

#include "arch/tlmac/layer_units.h"
#include "quant/int_graph.h"
#include "util/error.h"

#include <algorithm>

namespace luthier::arch::stream {

namespace {

constexpr int64_t kLutRamBitsPerLut = 64; // a LUT6 as 64x1 distributed RAM (as arch/map_conv.cpp charges)
constexpr int64_t kBramBits = 36864; // RAMB36
constexpr int64_t kLutRamLimit = 16384; // larger buffers go to block RAM

int64_t powerOfTwoAbove(int64_t n)
{
    int64_t p = 1;
    while (p <= n)
        p *= 2;
    return p;
}

void addBuffer(Resources& r, int64_t bits)
{
    if (bits > kLutRamLimit)
        r.bram += double((bits + kBramBits - 1) / kBramBits);
    else
        r.lut += (bits + kLutRamBitsPerLut - 1) / kLutRamBitsPerLut;
}

// LUTs of a block's output stage for `channels` accumulators: constant comparators and the count of hits per
// channel (thresholds), a subtractor (carried codes), nothing for raw accumulators.
int64_t outputLuts(const DataBlock& b, int64_t channels)
{
    if (b.output == DataBlock::Output::Thresholds) {
        const int64_t n = b.levels.empty() ? 0 : int64_t(b.levels[0].size());
        return channels * (n * ((b.accBits + 1) / 2) + n);
    }
    return b.output == DataBlock::Output::Carried ? channels * b.accBits : 0;
}

int64_t mapBits(const HwLayer& hw)
{
    int64_t in = 0;
    for (const Port& p : hw.ports)
        if (p.name == "in_data") in = p.width;
    if (hw.conv) {
        const ConvGeometry& g = *hw.conv;
        in = g.inChannels * g.inHeight * g.inWidth * g.inputBits;
    }
    return std::max(in, hw.outputCount * hw.outputBits);
}

std::string label(const quant::IntGraph& graph, const HwLayer& hw)
{
    const std::string kind = hw.source > 0 && size_t(hw.source) < graph.layers.size()
        ? std::string(ir::toString(graph.layers[size_t(hw.source)].kind))
        : std::string("layer");
    return "'" + (hw.name.empty() ? hw.module : hw.name) + "' (" + kind + ")";
}

Error cannotStream(const quant::IntGraph& graph, const HwLayer& hw, const std::string& why)
{
    return Error("streaming RTL: layer " + label(graph, hw) + " " + why);
}

StreamLayer convLayer(const quant::IntGraph& graph, const HwLayer& hw, const PixelStream& in)
{
    const ConvGeometry& g = *hw.conv;
    if (in.order != Order::ChannelsFirst || in.channels != g.inChannels || in.height != g.inHeight
        || in.width != g.inWidth)
        throw cannotStream(graph, hw, "reads a stream that is not its channels-first input map");
    StreamLayer s;
    s.kind = StreamKind::Conv;
    s.window = g;
    s.in = in;
    s.in.bits = g.inputBits;
    s.out = { g.outHeight, g.outWidth, g.outChannels, g.outputBits, Order::ChannelsFirst };
    const int64_t rowsSpanned = (g.kernelH - 1) * g.dilationH + 1;
    s.lineBufferRows = powerOfTwoAbove(rowsSpanned);
    const int64_t pixelBits = g.inChannels * g.inputBits;
    s.lineBufferBits = s.lineBufferRows * g.inWidth * pixelBits;
    s.lineBufferInBram = s.lineBufferBits > kLutRamLimit;
    // arch/map_conv.cpp: cycles = 1 + positions * (taps + 1 + datapath + 1) + 1.
    const int64_t taps = g.kernelH * g.kernelW;
    s.datapathCycles = (hw.cycles - 2) / g.positions() - taps - 2;
    // Rows check, one tap read per cycle plus the read's register, feed, the datapath (its output leaves
    // in the cycle it is taken).
    s.cyclesPerPixel = 1 + taps + 1 + 1 + s.datapathCycles;
    s.cyclesPerFrame = g.positions() * s.cyclesPerPixel;

    Resources& r = s.estimate;
    addBuffer(r, s.lineBufferBits);
    const int64_t counterBits = 2 * tlmac::unsignedBitsFor(g.inHeight) + 2 * tlmac::unsignedBitsFor(g.inWidth)
        + tlmac::unsignedBitsFor(g.kernelH) + tlmac::unsignedBitsFor(g.kernelW) + 3;
    r.ff += taps * pixelBits + pixelBits + counterBits; // window, read register, counters and state
    r.lut += taps * pixelBits + 3 * counterBits + 96; // window write enables, pad select; row/address arithmetic
    return s;
}

StreamLayer layoutLayer(const quant::IntGraph& graph, const HwLayer& hw, const PixelStream& in)
{
    const quant::IntLayer& layer = graph.layers[size_t(hw.source)];
    StreamLayer s;
    s.kind = StreamKind::Layout;
    s.in = in;
    s.out = in;
    s.out.bits = int(hw.outputBits);
    const std::vector<int64_t> toLast { 1, 2, 0 }, toFirst { 2, 0, 1 };
    if (layer.perm == toLast && in.order == Order::ChannelsFirst)
        s.out.order = Order::ChannelsLast;
    else if (layer.perm == toFirst && in.order == Order::ChannelsLast)
        s.out.order = Order::ChannelsFirst;
    else {
        std::string perm;
        for (int64_t a : layer.perm)
            perm += (perm.empty() ? "" : ",") + std::to_string(a);
        throw cannotStream(graph, hw,
            "has perm [" + perm + "], which moves pixels; a stream changes only between channels first and last");
    }
    s.cyclesPerFrame = in.pixels();
    return s;
}

// Pooling in the window unit of a conv. MaxPool of one format (no requantiser) or requantised: the largest code of
// each channel in place of the datapath; padding reads code 0, the smallest, so it never wins over a tap inside the
// map. AvgPool: acc = the sum over the taps inside the map of scale * code + offset (the block's terms skip the
// padding, as the golden model does), then the block's output (thresholds, carried code or raw accumulator).
StreamLayer poolLayer(const quant::IntGraph& graph, const HwLayer& hw, const PixelStream& in)
{
    const quant::IntLayer& layer = graph.layers[size_t(hw.source)];
    const DataBlock& b = *hw.block;
    const bool average = std::string(b.what) == "avgpool";
    if (average) {
        if (b.op != DataBlock::Op::Sum || b.accBits > 31)
            throw cannotStream(graph, hw, "sums wider than 31 bits (streamed: 31-bit accumulators)");
    } else {
        const bool keepsCodes
            = b.output == DataBlock::Output::Carried && b.carriedMin == 0 && b.scale[0] == 1 && b.offset[0] == 0;
        if (b.op != DataBlock::Op::Max || !(keepsCodes || b.output == DataBlock::Output::Thresholds) || b.accBits > 31)
            throw cannotStream(
                graph, hw, "outputs its maximum as raw or rescaled integers (streamed: codes, thresholds)");
    }
    if (in.order != Order::ChannelsFirst) throw cannotStream(graph, hw, "pools a channels-last map");
    const ir::Shape& os = layer.outShape;
    if (os.size() != 3) throw cannotStream(graph, hw, "has output " + ir::toString(os) + ", not C,H,W");
    for (int64_t c = 0; c < os[0]; ++c) // the thresholds the emitter applies to output channel c
        if (b.channel[size_t(c * os[1] * os[2])] != c)
            throw cannotStream(graph, hw, "requantises channel " + std::to_string(c) + " with another's thresholds");
    ConvGeometry g;
    g.inChannels = in.channels, g.inHeight = in.height, g.inWidth = in.width;
    g.outChannels = os[0], g.outHeight = os[1], g.outWidth = os[2];
    g.kernelH = layer.window.kernel[0], g.kernelW = layer.window.kernel[1];
    g.strideH = layer.window.stride[0], g.strideW = layer.window.stride[1];
    g.padTop = layer.window.padBegin[0], g.padLeft = layer.window.padBegin[1];
    g.dilationH = layer.window.dilation[0], g.dilationW = layer.window.dilation[1];
    g.groups = in.channels;
    g.inputBits = in.bits;
    g.padCode = 0;
    g.outputBits = b.outputBits;
    StreamLayer s;
    s.kind = average ? StreamKind::AvgPool : StreamKind::MaxPool;
    s.window = g;
    s.in = in;
    s.out = { g.outHeight, g.outWidth, g.outChannels, g.outputBits, Order::ChannelsFirst };
    s.lineBufferRows = powerOfTwoAbove((g.kernelH - 1) * g.dilationH + 1);
    s.lineBufferBits = s.lineBufferRows * g.inWidth * in.beatBits();
    s.lineBufferInBram = s.lineBufferBits > kLutRamLimit;
    const int64_t taps = g.kernelH * g.kernelW;
    s.cyclesPerPixel = 1 + taps + 1 + 1 + 1; // rows check, reads, last read, compare or sum, output
    s.cyclesPerFrame = g.positions() * s.cyclesPerPixel;
    addBuffer(s.estimate, s.lineBufferBits);
    s.estimate.ff += (taps + 2) * in.beatBits() + taps + 64;
    if (average) // window, an adder tree per channel, the output stage
        s.estimate.lut
            += taps * in.beatBits() + (taps - 1) * g.outChannels * b.accBits + outputLuts(b, g.outChannels) + 96;
    else // window, compare + select
        s.estimate.lut += taps * in.beatBits() + (taps - 1) * 2 * in.beatBits() + outputLuts(b, g.outChannels) + 96;
    return s;
}

// Nearest upsampling whose every output element (c, y, x) reads (c, y / sH, x / sW): checked on the block's
// own wiring, which the golden model's index code produced.
StreamLayer resizeLayer(const quant::IntGraph& graph, const HwLayer& hw, const PixelStream& in)
{
    const quant::IntLayer& layer = graph.layers[size_t(hw.source)];
    const DataBlock& b = *hw.block;
    const ir::Shape& os = layer.outShape;
    if (in.order != Order::ChannelsFirst || os.size() != 3 || os[0] != in.channels || os[1] % in.height != 0
        || os[2] % in.width != 0)
        throw cannotStream(graph, hw,
            "resizes " + std::to_string(in.height) + "x" + std::to_string(in.width) + " to " + ir::toString(os)
                + " (streamed: channels-first maps scaled by whole numbers)");
    StreamLayer s;
    s.kind = StreamKind::Resize;
    s.in = in;
    s.out = { os[1], os[2], os[0], int(hw.outputBits), Order::ChannelsFirst };
    s.scaleH = os[1] / in.height, s.scaleW = os[2] / in.width;
    for (int64_t e = 0; e < b.outputs(); ++e) {
        const int64_t c = e / s.out.pixels(), y = e % s.out.pixels() / s.out.width, x = e % s.out.width;
        const BlockTerm& t = b.terms[size_t(b.termStart[size_t(e)])];
        if (b.termStart[size_t(e) + 1] - b.termStart[size_t(e)] != 1 || t.port != 0
            || t.index != c * in.pixels() + y / s.scaleH * in.width + x / s.scaleW)
            throw cannotStream(graph, hw, "is not nearest upsampling by whole numbers (mode or coordinate transform)");
    }
    if (b.output == DataBlock::Output::Raw || b.accBits > 31
        || (b.output == DataBlock::Output::Carried && (b.carriedMin != 0 || b.scale[0] != 1 || b.offset[0] != 0)))
        throw cannotStream(graph, hw, "outputs raw or rescaled integers (streamed: codes, thresholds)");
    for (int64_t c = 0; c < s.out.channels; ++c)
        if (b.channel[size_t(c * s.out.pixels())] != c)
            throw cannotStream(graph, hw, "requantises channel " + std::to_string(c) + " with another's thresholds");
    s.lineBufferRows = 1;
    s.lineBufferBits = in.width * in.beatBits();
    s.lineBufferInBram = s.lineBufferBits > kLutRamLimit;
    s.cyclesPerFrame = in.pixels() + s.out.pixels();
    addBuffer(s.estimate, s.lineBufferBits);
    s.estimate.ff += in.beatBits() + 64;
    s.estimate.lut += 96;
    return s;
}

// Concatenation along the channels of channels-first maps: output channel c of pixel p is channel c - (the
// channels of the inputs before it) of the same pixel of one input, so a beat is the inputs' beats side by side.
StreamLayer concatLayer(const quant::IntGraph& graph, const HwLayer& hw, const std::vector<PixelStream>& ins)
{
    const DataBlock& b = *hw.block;
    StreamLayer s;
    s.kind = StreamKind::Concat;
    s.in = ins[0];
    s.out = ins[0];
    s.out.channels = 0;
    for (const PixelStream& in : ins) {
        if (in.order != Order::ChannelsFirst || in.height != ins[0].height || in.width != ins[0].width
            || in.bits != ins[0].bits)
            throw cannotStream(graph, hw, "joins maps of different sizes, layouts or code widths");
        s.out.channels += in.channels;
    }
    const int64_t pixels = s.out.pixels();
    if (b.outputs() != s.out.channels * pixels || b.output == DataBlock::Output::Raw || b.accBits > 31
        || (b.output == DataBlock::Output::Carried && (b.carriedMin != 0 || b.op != DataBlock::Op::Move)))
        throw cannotStream(graph, hw, "outputs raw or rescaled integers (streamed: codes, thresholds)");
    s.out.bits = b.outputBits;
    for (int64_t c = 0; c < s.out.channels; ++c)
        if (b.channel[size_t(c * pixels)] != c)
            throw cannotStream(graph, hw, "requantises channel " + std::to_string(c) + " with another's thresholds");
    int64_t before = 0;
    for (size_t j = 0; j < ins.size(); ++j) {
        for (int64_t e = before * pixels; e < (before + ins[j].channels) * pixels; ++e) {
            const BlockTerm& t = b.terms[size_t(b.termStart[size_t(e)])];
            if (b.termStart[size_t(e) + 1] - b.termStart[size_t(e)] != 1 || t.port != int32_t(j)
                || t.index != e - before * pixels)
                throw cannotStream(graph, hw, "does not concatenate along the channels");
        }
        before += ins[j].channels;
    }
    s.cyclesPerFrame = pixels;
    return s;
}

// Residual Add of maps in one layout: output channel c of pixel p sums channel c of pixel p of every input
// (scale[j] * code + offset[j]), so a beat is the inputs' beats side by side, as for Concat.
StreamLayer addLayer(const quant::IntGraph& graph, const HwLayer& hw, const std::vector<PixelStream>& ins)
{
    const DataBlock& b = *hw.block;
    StreamLayer s;
    s.kind = StreamKind::Add;
    s.in = ins[0];
    s.out = ins[0];
    for (const PixelStream& in : ins)
        if (in.order != ins[0].order || in.height != ins[0].height || in.width != ins[0].width
            || in.channels != ins[0].channels)
            throw cannotStream(graph, hw, "adds maps of different sizes or layouts");
    if (b.op != DataBlock::Op::Sum || b.accBits > 31 || b.outputs() != s.out.channels * s.out.pixels())
        throw cannotStream(graph, hw, "sums wider than 31 bits (streamed: 31-bit accumulators)");
    s.out.bits = b.outputBits;
    for (int64_t p = 0; p < s.out.pixels(); ++p)
        for (int64_t c = 0; c < s.out.channels; ++c)
            if (b.channel[size_t(s.out.element(p, c))] != c)
                throw cannotStream(
                    graph, hw, "requantises channel " + std::to_string(c) + " with another's thresholds");
    s.cyclesPerFrame = s.out.pixels();
    s.estimate.lut = int64_t(ins.size() - 1) * s.out.channels * b.accBits + outputLuts(b, s.out.channels);
    return s;
}

// GlobalAveragePool: acc[c] = sum over the frame's pixels of scale * code + offset, the block's output after the
// last pixel, as one beat of a 1x1 map.
StreamLayer globalPoolLayer(const quant::IntGraph& graph, const HwLayer& hw, const PixelStream& in)
{
    const DataBlock& b = *hw.block;
    if (b.op != DataBlock::Op::Sum || b.accBits > 31 || b.outputs() != in.channels)
        throw cannotStream(graph, hw, "sums wider than 31 bits (streamed: 31-bit accumulators)");
    for (int64_t c = 0; c < in.channels; ++c)
        if (b.channel[size_t(c)] != c)
            throw cannotStream(graph, hw, "requantises channel " + std::to_string(c) + " with another's thresholds");
    StreamLayer s;
    s.kind = StreamKind::GlobalAvgPool;
    s.in = in;
    s.out = { 1, 1, in.channels, b.outputBits, Order::ChannelsFirst };
    s.cyclesPerFrame = in.pixels() + 1;
    s.estimate.ff = in.channels * b.accBits + tlmac::unsignedBitsFor(in.pixels()) + 1;
    s.estimate.lut = in.channels * b.accBits + outputLuts(b, in.channels) + 32;
    return s;
}

// A whole-vector layer after the last map (Dense/Gemm on the flattened map, argmax): the wrapper collects the
// frame's beats into the layer's input vector (element (p, c) where the stream's order puts it, which is the
// Flatten's C order), runs the layer's own module and sends its outputs as one beat.
StreamLayer frameLayer(const quant::IntGraph& graph, const HwLayer& hw, const PixelStream& in)
{
    if (hw.inputCount != in.channels * in.pixels() || hw.inputBits != in.bits)
        throw cannotStream(graph, hw,
            "reads " + std::to_string(hw.inputCount) + " codes of " + std::to_string(hw.inputBits) + " bits from a "
                + std::to_string(in.pixels()) + "-pixel stream of " + std::to_string(in.channels) + " codes of "
                + std::to_string(in.bits) + " bits");
    if (hw.inputCount * hw.inputBits > kMaxWholeVectorBits || hw.outputCount * hw.outputBits > kMaxWholeVectorBits)
        throw cannotStream(graph, hw,
            "reads a " + std::to_string(hw.inputCount * hw.inputBits)
                + "-bit vector (streamed: dense layers after a map that fits the whole-vector bus; pool it first)");
    StreamLayer s;
    s.kind = StreamKind::Frame;
    s.in = in;
    s.out = { 1, 1, hw.outputCount, int(hw.outputBits), Order::ChannelsFirst };
    s.cyclesPerFrame = in.pixels() + hw.cycles + 2;
    s.estimate.ff = hw.inputCount * hw.inputBits + tlmac::unsignedBitsFor(in.pixels()) + 2;
    s.estimate.lut = 32;
    return s;
}

// The layers from input `start` back through single-input producers, `start` first.
std::vector<int> chainBack(const HwDesign& design, int start)
{
    std::vector<int> path;
    for (int l = start; l >= 0;) {
        path.push_back(l);
        const auto& inputs = design.layers[size_t(l)].inputs;
        l = inputs.size() == 1 ? inputs[0] : -1;
    }
    return path;
}

// FIFO depths in front of join `index`'s inputs (see StreamLayer::fifoDepth).
void sizeJoinFifos(const quant::IntGraph& graph, const HwDesign& design, StreamPlan& plan, int index)
{
    const HwLayer& hw = design.layers[size_t(index)];
    StreamLayer& join = plan.layers[size_t(index)];
    std::vector<std::vector<int>> paths;
    for (int in : hw.inputs)
        paths.push_back(chainBack(design, in));
    int fork = -1;
    for (int l : paths[0]) {
        bool everywhere = true;
        for (const auto& p : paths)
            everywhere = everywhere && std::find(p.begin(), p.end(), l) != p.end();
        if (everywhere) {
            fork = l;
            break;
        }
    }
    if (fork < 0) throw cannotStream(graph, hw, "joins branches that do not start from one layer (FIFO depth unknown)");
    // Rows of the fork's output needed by input j before the join's output row y.
    auto forkRows = [&](size_t j, int64_t y) {
        int64_t rows = y + 1;
        for (int l : paths[j]) {
            if (l == fork) break;
            rows = plan.layers[size_t(l)].inputRowsFor(rows - 1);
        }
        return rows;
    };
    const PixelStream& forkOut = plan.layers[size_t(fork)].out;
    join.fifoDepth.assign(hw.inputs.size(), 0);
    for (size_t k = 0; k < hw.inputs.size(); ++k) {
        int64_t lag = 0;
        for (int64_t y = 0; y < join.out.height; ++y)
            for (size_t j = 0; j < hw.inputs.size(); ++j)
                lag = std::max(lag, forkRows(j, y) - forkRows(k, y));
        if (lag == 0) continue;
        const PixelStream& in = plan.layers[size_t(hw.inputs[k])].out;
        const int64_t forkBeats = (lag + 2) * forkOut.width;
        join.fifoDepth[k] = (forkBeats * in.pixels() + forkOut.pixels() - 1) / forkOut.pixels();
        addBuffer(join.estimate, join.fifoDepth[k] * in.beatBits());
        join.estimate.ff += 2 * tlmac::unsignedBitsFor(join.fifoDepth[k]) + 1;
        join.estimate.lut += 4 * tlmac::unsignedBitsFor(join.fifoDepth[k]);
    }
}

} // namespace

int64_t StreamLayer::inputRowsFor(int64_t row) const
{
    switch (kind) {
    case StreamKind::Conv:
    case StreamKind::MaxPool: {
        const int64_t rows = row * window.strideH - window.padTop + (window.kernelH - 1) * window.dilationH + 1;
        return std::clamp<int64_t>(rows, 0, window.inHeight);
    }
    case StreamKind::AvgPool: {
        const int64_t rows = row * window.strideH - window.padTop + (window.kernelH - 1) * window.dilationH + 1;
        return std::clamp<int64_t>(rows, 0, window.inHeight);
    }
    case StreamKind::Resize:
        return row / scaleH + 1;
    case StreamKind::GlobalAvgPool:
    case StreamKind::Frame:
        return in.height; // the whole frame before the one output beat
    default:
        return row + 1;
    }
}

int64_t StreamLayer::inBeatBits() const
{
    int64_t bits = 0;
    for (const PixelStream& s : inputs)
        bits += s.beatBits();
    return inputs.empty() ? in.beatBits() : bits;
}

bool needsStreaming(const HwDesign& design)
{
    for (const HwLayer& hw : design.layers)
        if ((hw.conv || hw.block) && mapBits(hw) > kMaxWholeVectorBits) return true;
    return false;
}

StreamPlan planStream(const quant::IntGraph& graph, const HwDesign& design)
{
    StreamPlan plan;
    const ir::Shape& shape = graph.layers.at(0).outShape;
    if (shape.size() != 3)
        throw Error("streaming RTL: the model input " + ir::toString(shape) + " is not a feature map (C,H,W or H,W,C)");
    // The input's order is what its first reader expects: a Transpose to channels first reads channels last.
    bool channelsLast = false;
    for (const HwLayer& hw : design.layers)
        if (hw.inputs.empty() && hw.block && std::string(hw.block->what) == "transpose"
            && graph.layers[size_t(hw.source)].perm == std::vector<int64_t> { 2, 0, 1 })
            channelsLast = true;
    plan.input = channelsLast
        ? PixelStream { shape[0], shape[1], shape[2], int(design.inputBits), Order::ChannelsLast }
        : PixelStream { shape[1], shape[2], shape[0], int(design.inputBits), Order::ChannelsFirst };

    for (const HwLayer& hw : design.layers) {
        std::vector<PixelStream> ins;
        if (hw.inputs.empty()) ins.push_back(plan.input);
        for (int i : hw.inputs)
            ins.push_back(plan.layers.at(size_t(i)).out);
        const std::string what = hw.block ? hw.block->what : "";
        if (what == "concat" || what == "add") {
            plan.layers.push_back(what == "add" ? addLayer(graph, hw, ins) : concatLayer(graph, hw, ins));
            plan.layers.back().inputs = ins;
            sizeJoinFifos(graph, design, plan, int(plan.layers.size()) - 1);
            continue;
        }
        if (ins.size() != 1)
            throw cannotStream(
                graph, hw, "joins " + std::to_string(ins.size()) + " streams (streamed joins: Concat, Add)");
        if (hw.conv)
            plan.layers.push_back(convLayer(graph, hw, ins[0]));
        else if (what == "transpose")
            plan.layers.push_back(layoutLayer(graph, hw, ins[0]));
        else if (what == "maxpool" || what == "avgpool")
            plan.layers.push_back(poolLayer(graph, hw, ins[0]));
        else if (what == "resize")
            plan.layers.push_back(resizeLayer(graph, hw, ins[0]));
        else if (what == "globalavgpool")
            plan.layers.push_back(globalPoolLayer(graph, hw, ins[0]));
        else if (!hw.block && (hw.tlmac || hw.dense || hw.argmax))
            plan.layers.push_back(frameLayer(graph, hw, ins[0]));
        else
            throw cannotStream(graph, hw,
                "has no streaming block yet (streamed: Conv, MaxPool, AveragePool, GlobalAveragePool, Resize, Concat, "
                "Add, layout Transpose, Dense/Gemm and argmax after the last map)");
        plan.layers.back().inputs = ins;
    }
    plan.output = plan.layers.back().out;
    for (size_t i = 0; i < plan.layers.size(); ++i)
        if (plan.bottleneck < 0 || plan.layers[i].cyclesPerFrame > plan.frameCycles) {
            plan.frameCycles = plan.layers[i].cyclesPerFrame;
            plan.bottleneck = int(i);
        }
    return plan;
}

} // namespace luthier::arch::stream
