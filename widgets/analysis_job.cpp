#include "analysis_job.h"

namespace luthier::widgets {

namespace {

    quant::LayerOverride overrideFor(const project::Project& project, const std::string& layer)
    {
        const auto it = project.overrides.find(layer);
        return it == project.overrides.end() ? quant::LayerOverride {} : it->second;
    }

} // namespace

AnalysisSnapshot analyseLayers(const AnalysisInput& input, Progress& progress)
{
    AnalysisSnapshot snapshot;
    const ir::Graph& graph = *input.graph;
    snapshot.layers.resize(graph.layers.size());
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        progress.checkpoint();
        const ir::Layer& layer = graph.layers[i];
        const quant::LayerOverride o = overrideFor(input.project, layer.name);
        LayerMetrics& m = snapshot.layers[i];
        m.hasWeights = ir::hasWeights(layer.kind);
        if (m.hasWeights) {
            m.weightBits = o.weightBits.value_or(layer.weightQuant.bits);
            m.scheme = o.weightScheme.value_or(layer.weightQuant.scheme);
            m.templateKind = o.templateKind.value_or(arch::TemplateKind::Tlmac);
            m.groupSize = o.groupSize.value_or(0);
        }
        if (const ir::QuantSpec* q = layer.outputQuant())
            m.activationBits = o.activationBits.value_or(q->bits);
        progress.report(double(i + 1) / double(graph.layers.size()), "analysing layers");
    }
    return snapshot;
}

void evaluateAccuracy(const AnalysisInput& input, AnalysisSnapshot& snapshot, Progress&)
{
    snapshot.accuracyNote = input.project.dataset.attached() ? "the golden model is not available in this build"
                                                              : "no dataset attached to the project";
}

} // namespace luthier::widgets
