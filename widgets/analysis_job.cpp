#include "analysis_job.h"

#include "analysis/accuracy.h"
#include "analysis/layer_stats.h"
#include "pipeline/pipeline.h"
#include "quant/overrides.h"
#include "sim/dataset.h"
#include "util/error.h"

namespace luthier::widgets {

namespace {

// What the graph itself says about a layer: enough to colour by bit-widths when analysis fails.
void fillFromGraph(const ir::Graph& graph, const quant::Overrides& overrides, AnalysisSnapshot& snapshot)
{
    snapshot.layers.assign(graph.layers.size(), {});
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        const ir::Layer& layer = graph.layers[i];
        LayerMetrics& m = snapshot.layers[i];
        const auto o = overrides.find(layer.name);
        m.hasWeights = ir::hasWeights(layer.kind);
        if (m.hasWeights) {
            m.weightBits = layer.weightQuant.bits;
            m.scheme = layer.weightQuant.scheme;
            if (o != overrides.end() && o->second.templateKind) m.templateKind = *o->second.templateKind;
        }
        if (const ir::QuantSpec* q = layer.outputQuant()) m.activationBits = q->bits;
    }
}

void fillFromStats(const analysis::LayerStats& s, LayerMetrics& m)
{
    m.weightBits = s.weightBits;
    m.templateKind = s.selected;
    m.groupSize = s.groups.groupSize;
    m.weightHistogram = s.histogram.counts;
    m.zeroFraction = s.histogram.zeroFraction();
    m.totalGroups = s.groups.totalGroups;
    m.uniqueGroups = s.groups.uniqueGroups;
    m.groupFrequencies = s.groups.frequencies;
    m.hasStatistics = true;
    for (const arch::cost::Cost& c : s.costs)
        m.costs[c.kind] = { c.available, c.lut, c.ff, c.dsp, c.bram, c.cycles, c.formula };
    for (const std::string& note : s.notes)
        m.note += (m.note.empty() ? "" : "\n") + note;
}

} // namespace

AnalysisSnapshot analyseLayers(const AnalysisInput& input, Progress& progress)
{
    AnalysisSnapshot snapshot;
    pipeline::Pipeline build(pipeline::fromProject(input.project), input.graph);
    quant::Overrides expanded;
    try {
        snapshot.graph = build.graph(progress);
        expanded = build.appliedOverrides(progress);
    } catch (const Error& e) {
        snapshot.error = e.what();
        snapshot.graph = input.graph;
    }
    const ir::Graph& graph = *snapshot.graph;
    fillFromGraph(graph, expanded, snapshot);
    if (!snapshot.error.empty()) return snapshot;

    try {
        const auto stats = build.statistics(progress);
        for (const analysis::LayerStats& s : stats->layers)
            if (s.index >= 0 && size_t(s.index) < snapshot.layers.size())
                fillFromStats(s, snapshot.layers[size_t(s.index)]);
    } catch (const Error& e) {
        snapshot.error = e.what();
    }
    return snapshot;
}

void evaluateAccuracy(const AnalysisInput& input, AnalysisSnapshot& snapshot, Progress& progress)
{
    const project::DatasetPaths& dataset = input.project.dataset;
    if (!dataset.attached()) {
        snapshot.accuracyNote = "no dataset attached to the project";
        return;
    }
    if (!snapshot.error.empty()) {
        snapshot.accuracyNote = "no accuracy: " + snapshot.error;
        return;
    }
    try {
        const sim::Dataset inputs = sim::loadInputs(dataset.inputs, snapshot.graph->inputShape);
        const std::vector<int64_t> labels = sim::loadLabels(dataset.labels, inputs.count);
        const analysis::Accuracy accuracy = analysis::measureAccuracy(
            *snapshot.graph, inputs, labels, progress, 0, input.project.compiler.lowering());
        snapshot.accuracy = accuracy.intAccuracy; // what the hardware computes
        snapshot.samples = accuracy.samples;
    } catch (const Error& e) {
        snapshot.accuracyNote = e.what();
    }
}

} // namespace luthier::widgets
