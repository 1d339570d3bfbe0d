#include "layer_metrics.h"

#include "util/enum_names.h"

namespace luthier::widgets {

const TemplateCost* LayerMetrics::cost(ir::TemplateKind kind) const
{
    const auto it = costs.find(kind);
    return it == costs.end() || !it->second.available ? nullptr : &it->second;
}

bool AnalysisSnapshot::hasCosts() const
{
    for (const LayerMetrics& layer : layers)
        if (layer.hasCosts()) return true;
    return false;
}

int64_t AnalysisSnapshot::totalLuts() const
{
    int64_t total = 0;
    for (const LayerMetrics& layer : layers)
        if (const TemplateCost* c = layer.assignedCost()) total += c->luts;
    return total;
}

constexpr util::EnumName<Metric> kMetricNames[]
    = { { Metric::Luts, "LUTs" }, { Metric::UniqueGroups, "Unique weight groups" },
          { Metric::WeightBits, "Weight bits" }, { Metric::ActivationBits, "Activation bits" } };

const char* displayName(Metric metric)
{
    return util::nameOf(kMetricNames, metric);
}

std::optional<double> metricValue(
    const LayerMetrics& layer, Metric metric, std::optional<ir::TemplateKind> templateKind)
{
    switch (metric) {
    case Metric::Luts: {
        const TemplateCost* c = layer.cost(templateKind.value_or(layer.templateKind));
        return c ? std::optional<double>(double(c->luts)) : std::nullopt;
    }
    case Metric::UniqueGroups:
        return layer.hasStatistics ? std::optional<double>(double(layer.uniqueGroups)) : std::nullopt;
    case Metric::WeightBits:
        return layer.hasWeights && layer.weightBits > 0 ? std::optional<double>(layer.weightBits) : std::nullopt;
    case Metric::ActivationBits:
        return layer.activationBits > 0 ? std::optional<double>(layer.activationBits) : std::nullopt;
    }
    return std::nullopt;
}

} // namespace luthier::widgets
