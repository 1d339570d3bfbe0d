#pragma once
// Per-layer user choices that change the network (DESIGN.md section 2): stored in the project file,
// applied by applyOverrides() which re-quantises from the model's float weights.

#include "arch/template_kind.h"
#include "ir/quant_spec.h"

#include <map>
#include <optional>
#include <string>

namespace luthier::quant {

struct LayerOverride {
    std::optional<int> weightBits;
    std::optional<int> activationBits;
    std::optional<ir::WeightScheme> weightScheme;
    std::optional<arch::TemplateKind> templateKind;
    std::optional<int> groupSize;

    bool empty() const { return !weightBits && !activationBits && !weightScheme && !templateKind && !groupSize; }
};

// Keyed by ir::Layer::name (raw model text).
using Overrides = std::map<std::string, LayerOverride>;

} // namespace luthier::quant
