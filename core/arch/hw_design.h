#pragma once
// The hardware a network maps to (DESIGN.md section 2: IntGraph -> map -> HwDesign). Plain data: the RTL
// emitter writes Verilog from it, the placer turns its units (LUT arrays, multiplexers, accumulators,
// ROMs, control) into placement units and nets, the GUI shows its tables and estimates.
//
// Nets a placer can derive: every LutArray drives the Multiplexers that list it; each Multiplexer
// drives the Accumulator of its lane; the cluster ROM drives every LutArray's address (with the layer's
// activation bits); the routing ROM drives every Multiplexer's select; layer i's output registers drive
// layer i+1's input registers (HwLayer::inputs).

#include "arch/layer_blocks.h"
#include "arch/tlmac/plan.h"
#include "ir/learned_tables.h"
#include "ir/template_kind.h"
#include "util/progress.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace luthier::quant {
struct IntGraph;
}

namespace luthier::arch {

struct Resources {
    int64_t lut = 0, ff = 0, carry = 0, dsp = 0;
    double bram = 0; // BRAM36 equivalents

    Resources& operator+=(const Resources& o)
    {
        lut += o.lut, ff += o.ff, carry += o.carry, dsp += o.dsp, bram += o.bram;
        return *this;
    }
};

// N_lut LUT-K sharing one address {cluster select, G activation bits}. init[bit] holds that output bit's
// truth table (2^K bits, address 0 in bit 0 of word 0), as Xilinx LUT INIT strings read.
struct LutArray {
    int index = 0;
    int luts = 0;
    std::vector<std::vector<uint64_t>> init; // luts x ceil(2^K / 64) words
    std::vector<int32_t> groups; // per cluster: the unique group stored, -1 empty
};

// One lane's output multiplexer: picks the array its step routes to (or constant 0).
struct Multiplexer {
    int lane = 0;
    std::vector<int32_t> arrays; // inputs, ascending array indices
    bool constantZero = false; // an extra input giving 0 (zero groups, lanes past the last output)
    int width = 0; // bits per input (N_lut)
    int64_t luts = 0;
};

struct Accumulator {
    int lane = 0;
    int bits = 0;
    int64_t luts = 0, ffs = 0;
};

struct Rom {
    std::string name; // "cluster", "route", "thresholds"
    int64_t depth = 0, width = 0;
    std::string file; // .mem file in the design folder (contents also inlined as `case` tables)
    int64_t luts = 0;
    int64_t bits() const { return depth * width; }
};

struct Port {
    std::string name; // Verilog identifier
    bool input = true;
    int width = 1;
};

// Arithmetic every dense template shares (docs/compiler.md section 2). Hardware moves unsigned input codes
// and computes S = sum_i w_i * code_i; for the layer's integers q_i = scale * code_i + q0 and zero point z:
//   acc = sum_i w_i (q_i - z) = scale * S + offset[o].
struct DenseArithmetic {
    int64_t inputs = 0; // N_in codes consumed
    int inputBits = 1; // B_a: bits of an input code (bipolar: 1)
    int inputScale = 1; // 2 for bipolar inputs, else 1
    std::vector<int64_t> offset; // per output: (q0 - z) * sum_i w_oi
    int accBits = 0; // width of the S register (signed)
    // Requantised output: code[o] = #{k : sign[o] * S >= levels[o][k]} (levels already hold offset and scale).
    bool raw = false; // final layer: the output is acc itself, rawBits wide, signed
    int rawBits = 0;
    int outputBits = 0;
    std::vector<int8_t> compareSign;
    std::vector<std::vector<int64_t>> compareLevels;
    int compareBits = 0; // comparator width (levels clamped into its range)
    int thresholdsPerOutput = 0;

    int outBits() const { return raw ? rawBits : outputBits; }
};

// A TLMAC dense layer: the shared arithmetic around the plan. The hardware accumulates S over bit-serial
// input codes (MSB plane first, doubling between planes).
struct TlmacDatapath : DenseArithmetic {
    tlmac::TlmacPlan plan;
};

// A dense layer on one of the other templates (DSP, shift-add, unrolled, LUT-Dense, LUT-NA): the shared
// arithmetic, the integer weights and the knobs of the template that maps it.
struct DenseDatapath : DenseArithmetic {
    int64_t outputs = 0;
    std::vector<int32_t> weights; // outputs x inputs, row-major
    int weightBits = 0; // signed two's complement width holding every weight
    int parallel = 1; // folded templates (DSP, shift-add): lanes, each one output per block
    int pipelineEvery = 0; // parallel templates: adder-tree levels between pipeline registers (0: none)
    int adderDepth = 0; // adder graph: bound on adders from input to output (0: none)
    int groupSize = 3; // unrolled: G weights per looked-up group
    int chunkBits = 0; // LUT-NA: k, bits of an activation chunk
    int lutInputs = 6; // K of the target fabric (table forms are chosen by LUT-K cost)
    std::shared_ptr<const ir::LearnedTables> tables; // LUT-Dense: learned tables replacing w * code (else null)

    int32_t weight(int64_t o, int64_t i) const { return weights[size_t(o * inputs + i)]; }
};

// The argmax output block (compile --argmax): the index of the largest of `count` values (first one on ties),
// so the design outputs the class instead of the scores.
struct ArgmaxUnit {
    int64_t count = 0;
    int bits = 1; // bits per compared value
    bool valuesSigned = false; // raw accumulators (two's complement) or unsigned codes
    int indexBits = 1;
    // Raw accumulators whose real value is a per-channel affine map a_c * acc + b_c compare as the integers
    // multiplier[c] * acc + offset[c] (a_c, b_c scaled by 2^kArgmaxFraction / max|a|, rounded), valueBits wide.
    // Empty: the values compare as they are.
    std::vector<int64_t> multiplier, offset;
    int valueBits = 0;
};

struct HwLayer {
    std::string name; // raw model layer name (untrusted text; shown, never emitted unescaped)
    std::string module; // Verilog module name (sanitised, unique)
    std::string instance; // instance name in the top
    ir::TemplateKind kind = ir::TemplateKind::Tlmac;
    int source = -1; // index into IntGraph::layers
    std::vector<int> inputs; // indices into HwDesign::layers; empty: the design input

    std::vector<LutArray> arrays;
    std::vector<Multiplexer> muxes;
    std::vector<Accumulator> accumulators;
    std::vector<Rom> roms;
    std::vector<Port> ports;
    // The layer port contract (rtl/verilog_emitter.h): in_data holds inputCount codes of inputBits, out_data
    // outputCount values of outputBits (unsigned codes, or two's complement raw accumulators when outputSigned).
    int64_t inputCount = 0, inputBits = 0, outputCount = 0, outputBits = 0;
    bool outputSigned = false;
    int64_t cycles = 0; // per inference, from accepting an input to presenting the output (latency)
    int64_t interval = 0; // cycles between accepted inputs when the output is always taken (1: fully pipelined)
    Resources estimate;
    std::optional<TlmacDatapath> tlmac; // kind == Tlmac
    std::optional<DenseDatapath> dense; // the other templates
    std::optional<ArgmaxUnit> argmax; // the argmax output block (no template)
    std::optional<ConvGeometry> conv; // Conv: the datapath above computes one position (arch/map_conv.h)
    std::optional<DataBlock> block; // pooling, Add, Concat, Transpose, Resize, requantiser (arch/map_block.h)
};

struct MapOptions {
    tlmac::TlmacOptions tlmac;
    ir::TemplateKind defaultTemplate = ir::TemplateKind::Tlmac;
    std::map<std::string, ir::TemplateKind> layerTemplates; // per raw model layer name; wins over the default
    std::map<std::string, int>
        layerGroupSizes; // G per raw model layer name (TLMAC, unrolled); wins over tlmac.groupSize
    int foldedLanes = 64; // DSP / shift-add: outputs computed in parallel (clamped to the layer's outputs)
    int pipelineEvery = 2; // unrolled / LUT-Dense / LUT-NA: adder-tree levels between pipeline registers
    int lutNaChunk = 0; // LUT-NA chunk bits k; 0: the cheapest k per layer by the cost model
    int adderDepth = 0; // adder graph: bound on adders from input to output (0: none)
    bool argmax = false; // append the argmax output block: the design outputs the class index
    // Template auto (arch/template_choice.h): every weight layer without a template of its own goes on the
    // cheapest template whose datapath interval is at most initiationInterval cycles (0: any).
    bool chooseTemplate = false;
    int64_t initiationInterval = 0;
};

struct HwDesign {
    std::string model; // raw model name
    std::string top; // top module name (sanitised)
    int lutInputs = 6;
    int64_t inputCount = 0, inputBits = 0; // design input: inputCount codes of inputBits each
    int64_t outputCount = 0, outputBits = 0; // design output: codes, or raw signed accumulators
    bool outputSigned = false;
    std::vector<HwLayer> layers; // in dataflow order
    std::vector<Port> ports; // of the top
    int64_t cycles = 0; // per inference through the whole chain (layers run one after another)
    int64_t interval = 0; // cycles between inferences when streaming: the slowest layer's interval
    Resources estimate;
    std::vector<std::string> notes;
};

// Maps every layer of the integer graph. Supported now: chains of Dense layers (TLMAC) with
// Flatten/Reshape/Softmax pass-through; anything else throws luthier::Error naming the layer.
HwDesign mapDesign(const quant::IntGraph& graph, const MapOptions& options, Progress* progress = nullptr);

// Maps weight layer `index` (Dense or Conv) of `graph` alone on template `kind`, with the checks and the mapper
// mapDesign uses for it: its estimate, cycles and interval are what `compile` reports for the layer in a design.
// What the statistics show as each template's cost (analysis/layer_stats.h). Throws luthier::Error naming the
// layer when the template cannot map it.
HwLayer mapWeightLayer(const quant::IntGraph& graph, int index, ir::TemplateKind kind, const MapOptions& options);

} // namespace luthier::arch
