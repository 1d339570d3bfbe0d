#pragma once
// The per-layer choices of (expanded) overrides that the compiler maps with: each layer's template and group
// size. Shared by `luthier-cli compile` and the workbench's compile-and-place, so both map what the project says.

#include "arch/hw_design.h"
#include "quant/overrides.h"

namespace luthier::arch {

void applyLayerChoices(MapOptions& options, const quant::Overrides& expanded);

} // namespace luthier::arch
