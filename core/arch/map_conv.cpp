#include "arch/map_conv.h"

#include "arch/tlmac/layer_units.h"
#include "arch/tlmac/plan.h"
#include "quant/int_graph.h"
#include "sim/tensor_ops.h"
#include "util/error.h"

#include <cmath>

namespace luthier::arch {

namespace {

constexpr int64_t kLutRamBitsPerLut = 64; // a LUT6 as 64x1 distributed RAM
constexpr int64_t kBramBits = 36864; // RAMB36
constexpr int64_t kLutRamLimit = 16384; // larger buffers go to block RAM
constexpr int64_t kCoordinateLuts = 256; // iy, ix, the bounds checks and the pixel address (32-bit integers)

void addBuffer(Resources& r, int64_t bits)
{
    if (bits > kLutRamLimit)
        r.bram += double((bits + kBramBits - 1) / kBramBits);
    else
        r.lut += (bits + kLutRamBitsPerLut - 1) / kLutRamBitsPerLut;
}

} // namespace

quant::IntLayer im2colLayer(const quant::IntLayer& conv, const ir::Shape& inShape, const std::string& label)
{
    const ir::Shape& ws = conv.weightShape;
    const sim::Chw a = sim::chwOf(inShape);
    const int64_t groups = conv.window.groups;
    if (ws.size() != 4 || groups < 1 || a.c % groups != 0 || ws[0] % groups != 0 || ws[1] * groups != a.c
        || int64_t(conv.weights.size()) != ir::elementCount(ws))
        throw Error("RTL mapping: conv layer " + label + " has weights " + ir::toString(ws) + " for input "
            + ir::toString(inShape) + " in " + std::to_string(groups) + " groups");
    const int64_t cout = ws[0], cinG = ws[1], kh = ws[2], kw = ws[3], coutG = cout / groups;
    const int64_t row = a.c * kh * kw;
    quant::IntLayer dense = conv;
    dense.kind = ir::LayerKind::Dense;
    dense.weightShape = { cout, row };
    dense.weights.assign(size_t(cout * row), 0);
    for (int64_t o = 0; o < cout; ++o) {
        const int64_t g = o / coutG;
        for (int64_t ci = 0; ci < cinG; ++ci)
            for (int64_t k = 0; k < kh * kw; ++k)
                dense.weights[size_t(o * row + (g * cinG + ci) * kh * kw + k)]
                    = conv.weights[size_t((o * cinG + ci) * kh * kw + k)];
    }
    dense.window = {};
    return dense;
}

void wrapConv(HwLayer& hw, const quant::IntLayer& conv, const ir::Shape& inShape, const quant::IntFormat& in,
    const std::string& label)
{
    const sim::Chw a = sim::chwOf(inShape), b = sim::chwOf(conv.outShape);
    if (in.bipolar || conv.padValue < in.minInt || conv.padValue > in.maxInt)
        throw Error("RTL mapping: conv layer " + label + " pads with the integer " + std::to_string(conv.padValue)
            + ", which its input format cannot carry as a code");
    ConvGeometry g;
    g.inChannels = a.c, g.inHeight = a.h, g.inWidth = a.w;
    g.outChannels = b.c, g.outHeight = b.h, g.outWidth = b.w;
    g.kernelH = conv.weightShape[2], g.kernelW = conv.weightShape[3];
    g.strideH = conv.window.stride[0], g.strideW = conv.window.stride[1];
    g.padTop = conv.window.padBegin[0], g.padLeft = conv.window.padBegin[1];
    g.dilationH = conv.window.dilation[0], g.dilationW = conv.window.dilation[1];
    g.groups = conv.window.groups;
    g.inputBits = int(hw.inputBits);
    g.padCode = in.codeOf(conv.padValue);
    g.outputBits = int(hw.outputBits);
    if (hw.inputCount != g.windowSize() || hw.outputCount != g.outChannels)
        throw Error("RTL mapping: conv layer " + label + ": the dense datapath computes "
            + std::to_string(hw.inputCount) + " -> " + std::to_string(hw.outputCount) + ", the window needs "
            + std::to_string(g.windowSize()) + " -> " + std::to_string(g.outChannels));

    // Sequencer: load the map, then per position gather the window (one tap per cycle), hand it to the
    // datapath, wait for its result and write it; finally present the output map.
    const int64_t core = hw.cycles;
    hw.cycles = 1 + g.positions() * (g.kernelH * g.kernelW + 1 + core + 1) + 1;
    hw.interval = hw.cycles;

    Resources& r = hw.estimate;
    const int64_t inMap = a.c * a.h * a.w * g.inputBits, outMap = b.c * b.h * b.w * g.outputBits;
    if (inMap <= kMaxWholeVectorBits && outMap <= kMaxWholeVectorBits) {
        // What rtl/emit_conv writes for whole-vector ports: both maps in registers (the input map loads in one
        // cycle, so it cannot be a RAM); a LUT per input bit for load/hold; two per output-map and window bit,
        // written at a variable position (position decode + write/hold); the tap read as a (H*W):1 mux per
        // pixel bit; the 32-bit tap coordinate arithmetic. (Yosys: conv2d_small_keras's wrapper is 3.6k LUT.)
        r.ff += inMap + outMap;
        const int k = hw.tlmac ? hw.tlmac->plan.lutInputs : 6; // the other templates do not record K: Xilinx
        r.lut += inMap + 2 * outMap + 2 * g.windowSize() * g.inputBits
            + a.c * g.inputBits * tlmac::muxLutsPerBit(a.h * a.w, k) + kCoordinateLuts;
    } else {
        // Folded maps for a streaming interface (not emitted yet): buffers in distributed or block RAM.
        addBuffer(r, inMap);
        addBuffer(r, outMap);
    }
    r.ff += g.windowSize() * g.inputBits; // window register
    const int64_t counterBits = tlmac::unsignedBitsFor(b.h) + tlmac::unsignedBitsFor(b.w)
        + tlmac::unsignedBitsFor(g.kernelH) + tlmac::unsignedBitsFor(g.kernelW) + 3;
    const int64_t addressBits = tlmac::unsignedBitsFor(a.h * a.w);
    r.ff += counterBits;
    r.lut += 2 * counterBits + 3 * addressBits + a.c * g.inputBits; // counters, address arithmetic, pad select

    hw.inputCount = a.c * a.h * a.w;
    hw.outputCount = b.c * b.h * b.w;
    hw.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(hw.inputCount * hw.inputBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(hw.outputCount * hw.outputBits) } };
    hw.conv = g;
}

} // namespace luthier::arch
