#pragma once
// Post-training quantisation of float models (three_layer_keras, conv2d_small_keras, ...): the overrides that
// give every float weight layer a weight bit-width and every unquantised activation that feeds a weight layer
// an activation bit-width. The calibration run that measures those activations' ranges runs the model, so it
// lives in sim/calibration.h.

#include "ir/graph.h"
#include "quant/overrides.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace luthier::quant {

// True when some Dense/Conv layer has float weights or float input activations from a hidden layer (a float
// model input is left to the lowering's fixed-point input quantiser).
bool needsPostTraining(const ir::Graph& graph);

// Overrides quantising what the model leaves float: weightBits on float weight layers, activationBits on the
// producers of float activations entering weight layers. Entries already in `given` are kept as they are.
Overrides postTrainingOverrides(
    const ir::Graph& graph, int weightBits, int activationBits, const Overrides& given = {});

struct PreparedGraph {
    ir::Graph graph; // overrides applied
    Overrides applied; // expanded: what was applied per layer, post-training defaults included
    std::vector<std::string> notes;
};

// The imported graph with the user's overrides and, for what the model leaves float, post-training defaults
// (ptqWeightBits / ptqActivationBits). Activation quantisers are only added where `calibratedRanges` (from
// sim::calibrateRanges on the imported graph) has the layer's range; otherwise those activations stay float and a
// note says so.
PreparedGraph prepareGraph(const ir::Graph& imported, const Overrides& user, int ptqWeightBits, int ptqActivationBits,
    const std::map<int, std::pair<double, double>>& calibratedRanges);

} // namespace luthier::quant
