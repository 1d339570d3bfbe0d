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
    if (s.lineBufferInBram)
        r.bram += double((s.lineBufferBits + kBramBits - 1) / kBramBits);
    else
        r.lut += (s.lineBufferBits + kLutRamBitsPerLut - 1) / kLutRamBitsPerLut;
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

} // namespace

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
        if (hw.inputs.size() > 1)
            throw cannotStream(graph, hw, "joins " + std::to_string(hw.inputs.size()) + " streams (not streamed yet)");
        const PixelStream in = hw.inputs.empty() ? plan.input : plan.layers.at(size_t(hw.inputs[0])).out;
        if (hw.conv)
            plan.layers.push_back(convLayer(graph, hw, in));
        else if (hw.block && std::string(hw.block->what) == "transpose")
            plan.layers.push_back(layoutLayer(graph, hw, in));
        else
            throw cannotStream(graph, hw, "has no streaming block yet (streamed: Conv, layout Transpose)");
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
