#include "arch/map_choices.h"

namespace luthier::arch {

void applyLayerChoices(MapOptions& options, const quant::Overrides& expanded)
{
    for (const auto& [layer, override] : expanded) {
        if (override.templateKind)
            options.layerTemplates[layer] = *override.templateKind;
        if (override.groupSize)
            options.layerGroupSizes[layer] = *override.groupSize;
    }
}

} // namespace luthier::arch
