#include "quant/ptq.h"

#include <algorithm>

namespace luthier::quant {

namespace {

// The layer that would carry the quantiser of the activations entering layer `index`, and whether it has one.
std::pair<int, bool> activationSource(const ir::Graph& graph, int index)
{
    const int p = activationProducer(graph, index);
    return { p, p >= 0 && graph.layers[size_t(p)].outputQuant() != nullptr };
}

} // namespace

bool needsPostTraining(const ir::Graph& graph)
{
    for (int i = 0; i < int(graph.layers.size()); ++i) {
        const ir::Layer& l = graph.layers[size_t(i)];
        if (!ir::hasWeights(l.kind)) continue;
        const auto [source, quantised] = activationSource(graph, i);
        if (!l.weightQuant.quantised()
            || (source >= 0 && !quantised && graph.layers[size_t(source)].kind != ir::LayerKind::Input))
            return true;
    }
    return false;
}

Overrides postTrainingOverrides(const ir::Graph& graph, int weightBits, int activationBits, const Overrides& given)
{
    Overrides result = given;
    for (int i = 0; i < int(graph.layers.size()); ++i) {
        const ir::Layer& l = graph.layers[size_t(i)];
        if (!ir::hasWeights(l.kind)) continue;
        if (!l.weightQuant.quantised() && !result[l.name].weightBits) result[l.name].weightBits = weightBits;
        // A float model input keeps the lowering's fixed-point input quantiser; hidden activations get one.
        const auto [source, quantised] = activationSource(graph, i);
        if (source >= 0 && !quantised && graph.layers[size_t(source)].kind != ir::LayerKind::Input
            && !result[graph.layers[size_t(source)].name].activationBits)
            result[graph.layers[size_t(source)].name].activationBits = activationBits;
    }
    for (auto it = result.begin(); it != result.end();)
        it = it->second.empty() ? result.erase(it) : std::next(it);
    return result;
}

PreparedGraph prepareGraph(const ir::Graph& imported, const Overrides& user, int ptqWeightBits, int ptqActivationBits,
    const std::map<int, std::pair<double, double>>& calibratedRanges)
{
    PreparedGraph p;
    Overrides overrides = expandOverrides(imported, user);
    if (needsPostTraining(imported)) {
        overrides = postTrainingOverrides(imported, ptqWeightBits, ptqActivationBits, overrides);
        p.notes.push_back("post-training quantisation: float weights at " + std::to_string(ptqWeightBits)
            + " bits, float activations at " + std::to_string(ptqActivationBits) + " bits unless overridden");
    }
    ApplyOptions options;
    for (int i = 0; i < int(imported.layers.size()); ++i) {
        const ir::Layer& l = imported.layers[size_t(i)];
        auto it = overrides.find(l.name);
        if (it == overrides.end() || !it->second.activationBits || l.outputQuant()) continue;
        const auto range = calibratedRanges.find(i);
        if (range != calibratedRanges.end()) {
            options.calibratedRanges[i] = range->second;
        } else {
            p.notes.push_back("activations of '" + l.name + "' stay float (no calibration data): costs assume "
                + std::to_string(*it->second.activationBits) + " bits");
            it->second.activationBits.reset();
        }
    }
    p.graph = applyOverrides(imported, overrides, options);
    p.applied = std::move(overrides);
    return p;
}

} // namespace luthier::quant
