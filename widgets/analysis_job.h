#pragma once
// The background work behind the workbench's numbers: apply the project's overrides to the model, then
// (1) weight statistics and template costs per layer, (2) accuracy on the attached dataset. Plain
// functions over copies of the inputs, so they run on a worker thread while the user keeps editing.

#include "ir/graph.h"
#include "layer_metrics.h"
#include "project/project_file.h"
#include "util/progress.h"

#include <memory>

namespace luthier::widgets {

struct AnalysisInput {
    std::shared_ptr<const ir::Graph> graph;
    project::Project project; // overrides, compiler options, dataset
};

// Stage 1: effective quantisation, statistics and costs for every layer.
AnalysisSnapshot analyseLayers(const AnalysisInput& input, Progress& progress);

// Stage 2: fills snapshot.accuracy (or accuracyNote) from the dataset the project names.
void evaluateAccuracy(const AnalysisInput& input, AnalysisSnapshot& snapshot, Progress& progress);

} // namespace luthier::widgets
