#pragma once
// Verilog of the layers around the dense templates and of a top that routes a layer graph
// (docs/compiler.md, "Convolution" and "Data-flow blocks"). Every module keeps the layer port contract of
// rtl/verilog_emitter.h.

#include "arch/hw_design.h"
#include "rtl/layer_emitters.h"

#include <string>

namespace luthier::rtl {

// Largest bus (bits) the whole-vector port contract emits; bigger feature maps need a streaming interface.
inline constexpr int64_t kMaxBusBits = arch::kMaxWholeVectorBits;

// A layer with HwLayer::conv or ::block. A conv's file holds the wrapper and its dense datapath module
// (ConvGeometry::coreModule), which `emitDense` writes as for a dense layer; the manifest details
// ("conv" / "block") nest the datapath's own.
LayerEmission emitDataflowLayer(const arch::HwLayer& layer, LayerEmission (*emitDense)(const arch::HwLayer&));
// The dense layer a conv's datapath module (ConvGeometry::coreModule) is emitted from: one window in, the
// output channels of one position out. The whole-vector wrapper and the streaming conv both instantiate it.
arch::HwLayer convDatapathLayer(const arch::HwLayer& layer);
// The conv wrapper module alone (instantiates ConvGeometry::coreModule).
std::string emitConvWrapper(const arch::HwLayer& layer);
// The module of a layer with HwLayer::block.
std::string emitBlockModule(const arch::HwLayer& layer);
// A top for any layer graph: forks a result to every consumer (each takes it once; the producer is released
// when all have), joins the inputs of multi-input layers (concatenated, producer 0 in the low bits).
std::string emitGraphTop(const arch::HwDesign& design);
// True when the design needs emitGraphTop (convolutions, blocks or branches), false for a chain of dense layers.
bool needsGraphTop(const arch::HwDesign& design);

} // namespace luthier::rtl
