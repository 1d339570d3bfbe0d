#pragma once
// Verilog of a streaming design (arch/stream/stream_plan.h, docs/compiler.md "Streaming dataflow"): one module
// per layer with a pixel-per-beat valid/ready interface, the conv datapaths as for whole-vector designs, a top
// that routes the layer graph beat by beat, and a manifest whose "stream" section tells the harness how beats
// map to the elements of the model's input and output vectors.

#include "arch/hw_design.h"
#include "arch/stream/stream_plan.h"
#include "rtl/verilog_emitter.h"

#include <functional>
#include <string>
#include <vector>

namespace luthier::rtl::stream {

// A Conv (around its dense datapath, the module emitted beside it), MaxPool or AvgPool layer as line buffer +
// sliding window.
std::string emitStreamWindow(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// A layout or Concat layer: the beats pass unchanged.
std::string emitStreamPass(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// A Resize layer: one input row buffered, each pixel repeated scaleW times, each row scaleH times.
std::string emitStreamResize(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// Verilog that drives `out` (channels x the block's output bits) from `in` (channels x inBits codes of one pixel)
// as DataBlock `b` of one term per output does: the code itself, or acc = scale[port] * code + offset[port]
// requantised by the thresholds of its channel, where ports[c] is the input channel c came from. MaxPool, Resize
// and Concat apply it after choosing their codes.
std::string requantise(const arch::DataBlock& b, const std::vector<int32_t>& ports, int64_t inBits,
    const std::string& in, const std::string& out);
// Verilog that drives `out` (channels x the block's output bits) from the accumulators acc(c) (integer
// expressions) through DataBlock `b`'s output stage: thresholds of channel c, acc - carriedMin, or acc itself.
std::string blockOutput(
    const arch::DataBlock& b, int64_t channels, const std::function<std::string(int64_t)>& acc, const std::string& out);
// An Add layer: the inputs' beats joined by the top, channel by channel summed and put through the output stage.
std::string emitStreamAdd(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// A GlobalAveragePool layer: per-channel sums over the frame, one output beat per frame.
std::string emitStreamGlobalPool(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// A Frame layer (Dense/Gemm, argmax after the last map): the frame collected into the layer's whole-vector module.
std::string emitStreamFrame(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// A first-word-fall-through FIFO of `depth` beats of `width` bits.
std::string emitStreamFifo(const std::string& module, int64_t depth, int64_t width);
// Every file of the design folder except test vectors and the netlist: Verilog and manifest.json.
std::vector<EmittedFile> emitStreamDesign(const arch::HwDesign& design, const arch::stream::StreamPlan& plan);

} // namespace luthier::rtl::stream
