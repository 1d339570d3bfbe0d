#pragma once
// The LUT explainer's content (teaching view, DESIGN.md section 8), Qt-free: for one TLMAC layer of a
// compiled model and one input sample, everything the explainer shows about a LUT array (address bits,
// stored weight groups, truth table and INIT words) and the trace of one dot product computed the way
// the hardware does it: per input group, the activation bit-planes address the array of the step's
// cluster and the table values are shifted by their plane and accumulated.
//
// The trace is checked in code, not only in tests: its accumulator must equal the golden model's exact
// sum of w * (q - z) (sim::dot32, the kernel the golden model runs) and its requantised output must
// equal what the golden model (sim::IntExecutor) outputs for that channel; `exact` says whether they do.

#include "analysis/layer_stats.h"
#include "arch/hw_design.h"
#include "ir/graph.h"
#include "pipeline/options.h"
#include "quant/int_graph.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace luthier::widgets {

// A compiled model with one input sample run through the golden model.
struct ExplainerSource {
    std::string modelName;
    std::shared_ptr<const ir::Graph> graph;
    std::shared_ptr<const quant::IntGraph> ints; // its source points into *graph
    std::shared_ptr<const arch::HwDesign> design;
    // Per design layer: the integers entering it and those it outputs (requantised codes' integers, or the
    // raw accumulators of a final layer), as the golden model computes them for the sample.
    std::vector<std::vector<int64_t>> layerInputs, layerOutputs;
    std::vector<analysis::LayerStats> stats; // per design layer: template costs
};

// Builds the design as the options say (a project's overrides, input quantiser, K, G and P: what compile builds),
// then runs sample `sampleIndex` of the options' dataset inputs through the golden model. Throws luthier::Error for
// unsupported models, a missing dataset or bad inputs.
ExplainerSource loadExplainerSource(const pipeline::Options& options, int64_t sampleIndex);

// One array's table: address = cluster << G | activation bits.
struct TruthTableRow {
    unsigned address = 0;
    int cluster = 0;
    unsigned activationBits = 0;
    int64_t value = 0; // sum of the stored group's weights whose activation bit is 1
};

struct ArrayView {
    int array = 0;
    int lutInputs = 6, groupSize = 3, clusterBits = 0, lutWidth = 0;
    std::vector<std::vector<int32_t>> storedGroups; // per cluster; empty vector: nothing stored
    std::vector<TruthTableRow> rows; // 2^K rows
    std::vector<std::string> initHex; // per LUT output bit: the INIT string, "64'h..." most significant first
    bool initMatchesTable = true; // INIT bits decode to the table values (checked)
};

ArrayView describeArray(const arch::HwLayer& layer, int array);

struct PlaneLookup {
    int plane = 0; // bit b of the activation codes
    unsigned activationBits = 0; // bit b of each of the G codes (bit g = input g of the group)
    unsigned address = 0;
    int64_t tableValue = 0;
    int64_t shifted = 0; // tableValue << b
    int64_t running = 0; // S after adding it
};

struct GroupStep {
    int64_t group = 0; // input group j
    int64_t step = 0; // s = block * groupsPerOutput + j
    int cluster = 0;
    int array = -1; // -1: the multiplexer selects constant 0 (zero group or padding)
    std::vector<int32_t> weights; // the G weights (zero past the last input)
    std::vector<uint64_t> codes; // the G activation codes (q - minInt; bipolar 0/1)
    std::vector<PlaneLookup> lookups; // MSB plane first; empty when array == -1
};

struct DotProductTrace {
    int64_t output = 0;
    int inputBits = 0, inputScale = 1;
    std::vector<GroupStep> steps;
    int64_t s = 0; // sum of w * code, as accumulated from the tables
    int64_t offset = 0; // (q0 - z) * sum of w
    int64_t acc = 0; // inputScale * s + offset
    int64_t reference = 0; // golden model: sum of w * (q - z) (sim::dot32)
    std::optional<int64_t> hardwareOutput; // integer from the hardware comparators (requantised layers)
    int64_t goldenOutput = 0; // the golden model's output integer for this channel
    bool exact = false; // acc == reference and the output equals the golden model's
    std::string mismatch; // what differs when !exact
};

// `layer` is the index into source.design->layers (a TLMAC layer).
DotProductTrace traceDotProduct(const ExplainerSource& source, int layer, int64_t output);

// The same dot product done three other ways, with the operation counts of each and the layer's cost of the
// matching template (core/arch/cost).
struct Alternative {
    std::string name; // "multiply-accumulate", "shift-add (power-of-two)", "LUT-NA (k = 2)", "TLMAC (this)"
    bool available = true;
    int64_t value = 0; // the accumulator it computes (equals trace.acc when available)
    std::string operations; // "64 multiplies, 63 additions"
    std::string layerCost; // "1,234 LUT, 0 DSP, 16 cycles" from the layer's cost model
    std::string note; // why unavailable, or what the numbers mean
};

std::vector<Alternative> compareAlternatives(const ExplainerSource& source, int layer, const DotProductTrace& trace);

} // namespace luthier::widgets
