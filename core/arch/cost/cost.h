#pragma once
// Resource and latency models, one per hardware template (DESIGN.md section 5, docs/statistics.md). Pure
// functions of a CostInput: the numbers the analysis measured on a layer's integer weights. Each returns LUT, FF,
// DSP, BRAM and cycles per inference with a one-line formula that shows where the numbers come from.

#include "ir/template_kind.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace luthier::arch::cost {

// What the TLMAC planner (arch/tlmac) reports for a layer after clustering.
struct TlmacNumbers {
    int64_t steps = 0; // D_s per output pixel
    int64_t parallelOutputs = 0; // D_p
    int64_t clusters = 0; // N_clus = 2^(K - G)
    int64_t arrays = 0; // N_arr after clustering
    int64_t lutsPerArray = 0; // N_lut = B_w + ceil(log2 G)
    std::vector<int64_t> muxFanIn; // per output multiplexer: arrays it connects to (+1 for the constant 0)
};

struct CostInput {
    bool conv = false;
    int64_t outChannels = 1; // D_o
    int64_t fanIn = 1; // weights per output (Dense: inputs; Conv: in/groups * kh * kw)
    int64_t outPixels = 1; // output positions per channel (1 for Dense)
    int64_t inputElements = 0; // activations entering the layer per inference
    int weightBits = 1;
    int activationBits = 1; // B_a of the layer's input
    int outputBits = 0; // requantised output bits; 0 = raw accumulator (final layer)
    int64_t nonZeroWeights = 0;
    int64_t outputsWithWeights = 0; // outputs with at least one non-zero weight (adder trees: nonZero - these)
    int32_t maxAbsWeight = 1; // largest |integer weight|
    bool powerOfTwoWeights = false; // every integer weight is 0 or +-2^e (n-BQ-NN, bipolar, ...)
    // Weight groups (core/analysis).
    int groupSize = 3; // G
    int64_t groupsPerOutput = 1;
    int64_t uniqueGroups = 0; // N_uwg
    int64_t uniqueSliceGroups = 0; // sum over input slices of unique groups in the slice
    std::optional<TlmacNumbers> tlmac;
    // Fabric and folding.
    int lutInputs = 6; // K
    int64_t parallelism = 64; // lanes of the folded MAC templates (shift-add, DSP)

    int64_t weightCount() const { return outChannels * fanIn; }
    int64_t macs() const { return outChannels * fanIn * outPixels; }
};

struct Cost {
    ir::TemplateKind kind = ir::TemplateKind::Tlmac;
    bool available = true; // false: the template cannot implement this layer; `formula` says why
    int64_t lut = 0, ff = 0, dsp = 0;
    double bram = 0; // BRAM36 equivalents (halves are BRAM18)
    int64_t cycles = 0; // per inference (initiation interval of the layer)
    std::string formula;
    // The compiler's estimate of the mapped layer (analysis/layer_stats.h), the number docs/templates.md checks
    // against Yosys; false: the analytic formula above, for a layer the compiler cannot lower or map.
    bool fromCompiler = false;
};

// LUT-NA: one chunk width k and what it costs per weight.
struct LutNaOption {
    int k = 1;
    int64_t storedBits = 0; // 2^k (n_w + k) per weight
    int64_t lookups = 0; // ceil(n_a / k)
    int64_t adders = 0; // ceil(n_a / k) - 1
    int64_t luts = 0; // per weight: lookups * tableLuts(k, n_w + k) + adders * (n_w + n_a)
};

// Yosys synth_xilinx maps a multiplier to a DSP48 only when its result has at least this many bits
// (DSP_Y_MINWIDTH); synth_ice40 (K = 4) maps none. Narrower products are built in LUTs.
inline constexpr int kDspMinProductBits = 9;
// Whether synthesis puts a weightBits x inputBits product (signed weight, unsigned code) on a DSP48.
bool productOnDsp(int weightBits, int inputBits, int lutInputs);
// LUTs of such a product kept in fabric: about one LUT6 per partial-product bit on synth_xilinx; on synth_ice40
// two LUT4 per bit, about 2.45 from 6-bit weights and 4-bit codes on (registered signed x unsigned, measured on
// Yosys 0.23 from 2x2 to 8x8; tests/core/test_cost_models.cpp synthesises three of them).
int64_t multiplierLuts(int weightBits, int inputBits, int lutInputs);

// Shared building blocks (cost_common.cpp).
int ceilLog2(int64_t n); // 0 for n <= 1
int accumulatorBits(const CostInput& in); // B_w + B_a + ceil(log2 fanIn)
int64_t tableLuts(int addressBits, int dataBits, int lutInputs); // dataBits * 2^max(0, m - K)
int64_t muxLuts(int64_t fanIn, int lutInputs); // one output bit of a fanIn:1 multiplexer tree of LUT-K
int64_t romLuts(int64_t depth, int64_t width, int lutInputs); // distributed ROM
// A balanced tree adding `inputs` values of `inputBits` bits: each level's adders are one bit wider (one LUT per
// result bit on a carry chain), never wider than `maxBits`.
int64_t adderTreeLuts(int64_t inputs, int inputBits, int maxBits);
double bram36(int64_t bits); // BRAM36 equivalents, in BRAM18 halves, 0 for no bits
// Adds a memory of `bits` to a cost: distributed RAM (2^K bits per LUT) up to 16 LUTs' worth, else block RAM.
void addMemory(Cost& cost, int64_t bits, int lutInputs);

Cost unavailableCost(ir::TemplateKind kind, std::string why); // available = false, `why` as the formula

Cost tlmacCost(const CostInput& in);
Cost unrolledCost(const CostInput& in);
Cost lutDenseCost(const CostInput& in);
Cost shiftAddCost(const CostInput& in);
std::vector<LutNaOption> lutNaOptions(const CostInput& in); // k = 1 .. n_a
LutNaOption bestLutNaOption(const CostInput& in);
Cost lutNaCost(const CostInput& in);
Cost dspCost(const CostInput& in);
Cost adderGraphCost(const CostInput& in);

Cost estimate(ir::TemplateKind kind, const CostInput& in);
std::vector<Cost> estimateAll(const CostInput& in); // in ir::kAllTemplates order

} // namespace luthier::arch::cost
