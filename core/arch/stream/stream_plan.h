#pragma once
// The streaming form of a mapped design (docs/compiler.md, "Streaming dataflow"). Whole-vector ports stop at
// 2^18 bits (arch::kMaxWholeVectorBits), so a CNN with larger feature maps streams them instead: one pixel per
// beat (all channels of the pixel), valid/ready back-pressure, raster order. A conv becomes a line buffer and a
// sliding window around the same per-position datapath the whole-vector wrapper uses; layout Transposes
// (channels first <-> channels last) move no pixel and become wires.
//
// The plan is a side product of the HwDesign: it names, per design layer, the pixel streams it reads and
// writes, its line buffer and its cycles per frame. It never changes the HwDesign, so designs that fit the
// whole-vector interface are emitted exactly as before.

#include "arch/hw_design.h"

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::quant {
struct IntGraph;
}

namespace luthier::arch::stream {

// Which tensor a stream of pixels carries: pixel p = y * width + x in raster order, channel c of it is
// element c * height * width + p of a channels-first tensor (C, H, W) or p * channels + c of a channels-last
// one (H, W, C). The beat is the same either way; the order tells the harness where each value sits.
enum class Order { ChannelsFirst, ChannelsLast };

struct PixelStream {
    int64_t height = 1, width = 1, channels = 1;
    int bits = 1; // bits per code
    Order order = Order::ChannelsFirst;

    int64_t pixels() const { return height * width; }
    int64_t beatBits() const { return channels * int64_t(bits); }
    // Index of (pixel, channel) in the flat tensor (C order of its per-sample shape).
    int64_t element(int64_t pixel, int64_t channel) const
    {
        return order == Order::ChannelsFirst ? channel * pixels() + pixel : pixel * channels + channel;
    }
};

enum class StreamKind {
    Conv, // line buffer + sliding window feeding the layer's dense datapath (HwLayer::conv)
    MaxPool, // the same window unit, the largest code per channel instead of a datapath
    Layout, // a Transpose between channels-first and channels-last: the same beats, relabelled
    Resize, // nearest upsampling by integer factors: one input row buffered and replayed
    Concat, // channel concatenation: the inputs' beats side by side (the top joins them, FIFOs in front)
    Add, // residual sum: the inputs' beats side by side (joined as for Concat), each channel summed and requantised
    AvgPool, // the window unit of MaxPool, the sum of the taps inside the map instead of their maximum
    GlobalAvgPool, // one accumulator per channel over the frame's pixels: one output beat per frame
    Frame, // a whole-vector layer (Dense/Gemm after the last map, argmax): the frame collected, one output beat
};

struct StreamLayer {
    StreamKind kind = StreamKind::Conv;
    PixelStream in, out; // in: input 0's stream (a join's other inputs have the same pixels)
    std::vector<PixelStream> inputs; // every input's stream; a join's in_data is their beats side by side
    ConvGeometry window; // Conv, MaxPool: the sliding window (MaxPool: pad code 0, the smallest code)
    int64_t scaleH = 1, scaleW = 1; // Resize
    // Per input: beats of the FIFO in front of it (0: none). A join's inputs come from one fork through
    // branches that need different numbers of the fork's rows before their first output; the FIFO on the
    // branch that is ahead holds that difference (plus two rows), so the fork never waits on a full branch.
    std::vector<int64_t> fifoDepth;
    // Conv: rows of the circular line buffer (a power of two above the kernel's row extent, so the next row
    // arrives while the window reads the current ones) and its bits; where the cost model puts it.
    int64_t lineBufferRows = 0, lineBufferBits = 0;
    bool lineBufferInBram = false;
    int64_t datapathCycles = 0; // cycles of the dense datapath per output pixel
    int64_t cyclesPerPixel = 0; // per output pixel: rows check, window gather, feed, datapath
    int64_t cyclesPerFrame = 0;
    Resources estimate; // the streaming wrapper's own logic and buffers, FIFOs included (the datapath is
                        // HwLayer::estimate's)

    // Rows of input 0 that must have arrived before output rows 0..row are complete.
    int64_t inputRowsFor(int64_t row) const;
    // Bits of in_data: one beat of every input, input 0 in the low bits.
    int64_t inBeatBits() const;
};

struct StreamPlan {
    std::vector<StreamLayer> layers; // one per HwDesign layer, same order
    PixelStream input, output; // the top's beats
    int64_t frameCycles = 0; // the slowest layer's cycles per frame: layers overlap, so it sets the rate
    int bottleneck = -1; // that layer
};

// True when a layer's feature maps exceed the whole-vector bus, so the design must stream.
bool needsStreaming(const HwDesign& design);

// The streaming form of `design` (mapped from `graph`). Throws luthier::Error naming the layer and what it
// cannot stream yet (a kind, a permutation, a dilation).
StreamPlan planStream(const quant::IntGraph& graph, const HwDesign& design);

} // namespace luthier::arch::stream
