#pragma once
// Per-layer statistics and template costs of a whole model (DESIGN.md section 4): what the statistics view,
// `luthier-cli analyze` and the explorer show. Works on the imported ir::Graph after overrides, taking each
// Dense/Conv layer's integer weights from its weight quantiser.

#include "analysis/group_stats.h"
#include "arch/cost/cost.h"
#include "arch/tlmac/plan.h"
#include "ir/graph.h"
#include "quant/int_graph.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "util/progress.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace luthier::analysis {

inline arch::tlmac::TlmacOptions greedyTlmac()
{
    arch::tlmac::TlmacOptions o;
    o.method = arch::tlmac::ClusterMethod::Greedy;
    return o;
}

struct AnalysisOptions {
    int groupSize = 0; // G for every layer; 0 = default (kernel width for convs 2..K wide, else 3)
    std::map<std::string, int> layerGroupSize; // per-layer G by ir::Layer::name (overrides)
    ir::TemplateKind defaultTemplate = ir::TemplateKind::Tlmac; // the template a layer is mapped to
    std::map<std::string, ir::TemplateKind> layerTemplate; // per-layer choice by ir::Layer::name (overrides)
    int lutInputs = 6; // K
    int parallelism = 64; // P: TLMAC parallel outputs and lanes of the folded MAC templates
    int defaultActivationBits = 8; // assumed for float hidden activations, with a note
    // How the graph is lowered for the compiler estimates: its input quantiser (inserted on a float model input)
    // is that of `compile --input-bits B --input-frac F`, and its bits are the input layer's activation bits.
    quant::LowerOptions lowering;
    bool planTlmac = true; // run the TLMAC planner (clustering + routing) for its exact numbers
    // Map each weight layer on each template with the compiler (arch::mapWeightLayer) and show its estimate instead
    // of the analytic formula; mapSelectedOnly: on the selected template only (explore's sweeps need no more).
    bool compilerEstimates = true;
    bool mapSelectedOnly = false;
    // Method, effort, seed; K, G and P are set from the fields above. Greedy clustering by default: spectral
    // clustering (ClusterMethod::Best runs both and reports both) roughly doubles the time on ResNet-18 for
    // about the same N_arr, and the statistics view has to stay interactive.
    arch::tlmac::TlmacOptions tlmac = greedyTlmac();
    std::vector<int64_t> topK { 1, 8, 64 };
};

struct TlmacStats {
    int64_t steps = 0, parallel = 0, clusters = 0, arrays = 0, lutWidth = 0;
    int64_t tableLuts = 0, muxLuts = 0, maxFanIn = 0;
    int64_t wiresInitial = 0, wiresFinal = 0;
    std::string method;
    std::vector<arch::tlmac::ClusteringReport> clusterings; // every clustering that ran (greedy / spectral)
};

struct LayerStats {
    int index = -1; // into ir::Graph::layers
    std::string name, opType;
    ir::LayerKind kind = ir::LayerKind::Dense;
    int weightBits = 0;
    bool weightSigned = true;
    std::string weightFormat; // QuantSpec::describe() of the weights
    int activationBits = 0; // of the layer's input
    bool activationAssumed = false; // input activations are float; defaultActivationBits was used
    int outputBits = 0; // 0: raw accumulator
    int64_t outChannels = 0, fanIn = 0, outPixels = 1, weights = 0, macs = 0;
    WeightHistogram histogram;
    GroupStats groups;
    std::vector<std::pair<int64_t, double>> topShares; // (k, share of groups covered by the top-k)
    std::optional<TlmacStats> tlmac;
    arch::cost::CostInput costInput;
    std::vector<arch::cost::Cost> costs; // ir::kAllTemplates order
    std::vector<arch::cost::LutNaOption> lutNa;
    ir::TemplateKind selected = ir::TemplateKind::Tlmac; // chosen template (falls back to DSP when unavailable)
    std::vector<std::string> notes;
    // A layer imported from a FINN MVAU: FINN's folding and its cycles per inference,
    // pixels * MH/PE * MW/SIMD; 0 for other layers.
    int64_t finnPe = 0, finnSimd = 0, finnCycles = 0;

    const arch::cost::Cost& cost(ir::TemplateKind kind) const;
};

struct ModelStats {
    std::string model;
    std::vector<LayerStats> layers; // weight layers only, graph order
    std::vector<arch::cost::Cost> totals; // per template: sums over layers (cycles: layers run one after another)
    arch::cost::Cost selectedTotal; // sum of each layer's selected template (kind: the default template)
    std::vector<std::string> notes;
};

// `lowered`: the graph lowered to integers (quant::lowerToInteger), which the compiler's estimates need; without it
// (or with compilerEstimates off) the costs are the analytic formulas.
LayerStats analyseLayer(const ir::Graph& graph, int index, const AnalysisOptions& options, Progress* progress = nullptr,
    const quant::IntGraph* lowered = nullptr);
ModelStats analyseGraph(const ir::Graph& graph, const AnalysisOptions& options, Progress& progress);

// The TLMAC planner's view of the same groups the statistics use (rows of kernel width, or the whole fan-in).
arch::tlmac::LayerWeights tlmacWeights(const IntWeights& weights, int groupSize);

} // namespace luthier::analysis
