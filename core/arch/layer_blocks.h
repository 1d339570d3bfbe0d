#pragma once
// Hardware of the layers around the dense templates (docs/compiler.md, "Convolution" and "Data-flow blocks"):
// a convolution wrapped around a dense datapath, and small dedicated blocks for pooling, Add, Concat,
// Transpose, Resize and requantisation between them. Plain data, filled by arch/map_conv and arch/map_block,
// emitted by rtl/emit_conv and rtl/emit_block.
//
// Every layer keeps the standard whole-vector port contract of rtl/verilog_emitter.h: in_data holds all
// input codes of one inference (a layer with several producers sees their buses concatenated, producer 0
// in the low bits), out_data all output codes. Tensors are flat in C order of the layer's per-sample shape.

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::arch {

// Largest bus (bits) of the whole-vector port contract. Blocks with larger maps are estimated as folded
// (DataBlock::lanes outputs per cycle over buffered maps); the emitter refuses them (no streaming interface yet).
inline constexpr int64_t kMaxWholeVectorBits = int64_t(1) << 18;

// A convolution computed by the layer's dense datapath (HwLayer::tlmac or ::dense) one output position
// at a time: the datapath's inputs are the im2col window in the weight's order (ci, ky, kx), its outputs
// the output channels. Grouped/depthwise convolutions use a dense matrix with zeros outside each output
// channel's group, so one window of every input channel feeds all lanes.
struct ConvGeometry {
    int64_t inChannels = 1, inHeight = 1, inWidth = 1;
    int64_t outChannels = 1, outHeight = 1, outWidth = 1;
    int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1;
    int64_t padTop = 0, padLeft = 0, dilationH = 1, dilationW = 1;
    int64_t groups = 1;
    int inputBits = 1; // bits of an input code
    uint64_t padCode = 0; // the code fed for window taps outside the input: the input's zero point
    int outputBits = 1; // bits of an output element (requantised code or raw accumulator)
    std::string coreModule; // Verilog module of the dense datapath the wrapper instantiates

    int64_t windowSize() const { return inChannels * kernelH * kernelW; }
    int64_t positions() const { return outHeight * outWidth; }
};

// One input element of a block: input port and element index within that port.
struct BlockTerm {
    int32_t port = 0;
    int64_t index = 0;
};

// An element-wise block. For output element e the block computes from the unsigned codes of its terms
//   Move: out = the single term's bits, unchanged (Transpose, Resize, Concat, MaxPool of equal formats)
//   Sum:  acc = sum_t (scale[port] * code_t + offset[port])
//   Max:  acc = scale[port] * max_t code_t + offset[port]     (codes are monotone in the integers)
// (Move and Max pick among the codes of one port) and outputs either a requantised code (thresholds of channel[e]: #{k
// : direction * acc >= levels[k]}), the accumulator as a signed raw value (a design output without quantiser), or a
// carried code acc - carriedMin (data movement and exact integer results keep their format).
struct DataBlock {
    enum class Op { Move, Sum, Max };
    enum class Output { Thresholds, Raw, Carried };
    const char* what = ""; // "maxpool", "avgpool", "add", "concat", "transpose", "resize", "requant"
    Op op = Op::Sum;
    Output output = Output::Carried;

    std::vector<int64_t> portCounts; // codes per input port
    std::vector<int> portBits; // code bits per input port
    std::vector<int64_t> scale, offset; // per input port

    std::vector<int64_t> termStart; // output e uses terms[termStart[e] .. termStart[e + 1])
    std::vector<BlockTerm> terms;
    std::vector<int32_t> channel; // per output element: its threshold set

    std::vector<int8_t> direction; // per channel
    std::vector<std::vector<int64_t>> levels; // per channel, padded to the same count
    int64_t carriedMin = 0;

    int accBits = 2; // signed width holding acc, -acc and every compared level
    int outputBits = 1;
    int64_t lanes = 1; // outputs computed per cycle: all of them, or a folded bank for maps beyond the bus limit

    int64_t outputs() const { return int64_t(termStart.size()) - 1; }
};

} // namespace luthier::arch
