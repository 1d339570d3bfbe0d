#pragma once
// Convolution on a dense datapath (docs/compiler.md, "Convolution"): the output at one position is a dot
// product over the (ci, ky, kx) window, so a conv layer maps as the dense layer of its im2col weight matrix
// (any dense template: TLMAC plans exactly those rows) wrapped in a folded sequencer that buffers the input
// feature map, walks the output positions (padding, stride, dilation) and writes the output feature map.

#include "arch/hw_design.h"
#include "ir/shape.h"

namespace luthier::quant {
struct IntLayer;
struct IntFormat;
} // namespace luthier::quant

namespace luthier::arch {

// The Dense view of a Conv layer: weights {out, in * kh * kw} in (ci, ky, kx) order, zero outside an output
// channel's group; thresholds, accumulator and pad value as the conv's. Throws luthier::Error naming
// `label` for shapes it cannot view that way.
quant::IntLayer im2colLayer(const quant::IntLayer& conv, const ir::Shape& inShape, const std::string& label);

// Turns `hw`, mapped by a dense template from im2colLayer(conv), into the conv wrapper: sets hw.conv, the
// ports of the whole feature maps, cycles (every position in turn), interval and adds the wrapper's
// buffers and sequencer to the estimate. `in` is the format of the integers entering the conv.
void wrapConv(HwLayer& hw, const quant::IntLayer& conv, const ir::Shape& inShape, const quant::IntFormat& in,
    const std::string& label);

} // namespace luthier::arch
