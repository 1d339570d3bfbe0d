#pragma once
// What the workbench shows about each layer after the project's overrides are applied: effective
// quantisation, weight-group statistics and the cost of every hardware template, plus the model's
// accuracy on the attached dataset. Computed off the GUI thread (analysis_job.h) from core stages;
// the views only read it.

#include "ir/graph.h"
#include "ir/template_kind.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace luthier::widgets {

struct TemplateCost {
    bool available = true; // false: the template cannot implement the layer; `explanation` says why
    int64_t luts = 0, ffs = 0, dsps = 0;
    double brams = 0.0; // BRAM36 equivalents
    int64_t cycles = 0; // per inference
    std::string explanation; // the formula, in one line
};

struct LayerMetrics {
    bool hasWeights = false;
    int weightBits = 0; // effective, after overrides; 0 = float or no weights
    int activationBits = 0; // effective output activation bits; 0 = not quantised
    ir::WeightScheme scheme = ir::WeightScheme::Uniform;
    ir::TemplateKind templateKind = ir::TemplateKind::Tlmac; // the template this layer is mapped to
    int groupSize = 0; // effective G; 0 = no weights

    // Weight statistics (layers with quantised weights only).
    std::map<int32_t, int64_t> weightHistogram; // integer level -> occurrences
    double zeroFraction = 0.0;
    int64_t totalGroups = 0;
    int64_t uniqueGroups = 0;
    std::vector<int64_t> groupFrequencies; // occurrences of each unique group, descending
    bool hasStatistics = false;

    std::map<ir::TemplateKind, TemplateCost> costs; // templates that can implement this layer
    std::string note; // why statistics or costs are missing, for the inspector

    const TemplateCost* cost(ir::TemplateKind kind) const;
    const TemplateCost* assignedCost() const { return cost(templateKind); }
    bool hasCosts() const { return !costs.empty(); }
};

struct AnalysisSnapshot {
    std::shared_ptr<const ir::Graph> graph; // the model with the project's overrides applied
    std::vector<LayerMetrics> layers; // one per ir::Graph layer
    std::string error; // why the overrides could not be applied (the layers then show the model as imported)
    std::optional<double> accuracy; // top-1 on the project's dataset, when one is attached and ran
    int64_t samples = 0; // dataset samples the accuracy is over
    std::string accuracyNote; // why there is no accuracy (no dataset, golden model unavailable, error)

    bool hasCosts() const;
    int64_t totalLuts() const; // every layer at its assigned template
};

// The quantity the layer graph colours nodes by.
enum class Metric { Luts, UniqueGroups, WeightBits, ActivationBits };
inline constexpr Metric kAllMetrics[]
    = { Metric::Luts, Metric::UniqueGroups, Metric::WeightBits, Metric::ActivationBits };
const char* displayName(Metric metric);

// The metric's value for one layer; nullopt where it does not apply (no weights, not quantised, no
// cost). `templateKind` chooses the template for Metric::Luts; nullopt means each layer's assigned one.
std::optional<double> metricValue(
    const LayerMetrics& layer, Metric metric, std::optional<ir::TemplateKind> templateKind = std::nullopt);

} // namespace luthier::widgets
