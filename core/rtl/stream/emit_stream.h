#pragma once
// Verilog of a streaming design (arch/stream/stream_plan.h, docs/compiler.md "Streaming dataflow"): one module
// per layer with a pixel-per-beat valid/ready interface, the conv datapaths as for whole-vector designs, a top
// that routes the layer graph beat by beat, and a manifest whose "stream" section tells the harness how beats
// map to the elements of the model's input and output vectors.

#include "arch/hw_design.h"
#include "arch/stream/stream_plan.h"
#include "rtl/verilog_emitter.h"

#include <string>
#include <vector>

namespace luthier::rtl::stream {

// A conv layer as line buffer + sliding window around its dense datapath (the module emitted beside it).
std::string emitStreamConv(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// A layout layer: the beats pass unchanged.
std::string emitStreamLayout(const arch::HwLayer& layer, const arch::stream::StreamLayer& s);
// Every file of the design folder except test vectors and the netlist: Verilog and manifest.json.
std::vector<EmittedFile> emitStreamDesign(const arch::HwDesign& design, const arch::stream::StreamPlan& plan);

} // namespace luthier::rtl::stream
