#pragma once
// JSON form of the analysis (docs/statistics.md): what `luthier-cli analyze --json` prints and the GUI can load.

#include "analysis/accuracy.h"
#include "analysis/layer_stats.h"

#include <nlohmann/json.hpp>

namespace luthier::analysis {

nlohmann::json toJson(const arch::cost::Cost& cost);
nlohmann::json toJson(const LayerStats& layer);
nlohmann::json toJson(const ModelStats& model);
nlohmann::json toJson(const Accuracy& accuracy);

} // namespace luthier::analysis
