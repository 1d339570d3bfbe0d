#pragma once
// The learned tables that reproduce a Dense layer's exact products: the starting point a training script or a
// teacher edits (luthier-cli tables, docs/learned-tables.md).

#include "ir/learned_tables.h"
#include "quant/int_graph.h"

namespace luthier::quant {

// Tables equal to Dense layer `index` of `ints` as it is: T_oi[code] = w_oi * (q(code) - z) on the layer's own
// accumulator scale (written out explicitly), zero weights as pruned pairs. Throws luthier::Error when the layer
// is not a Dense layer with integer inputs.
ir::LearnedTables exactProductTables(const IntGraph& ints, int index);

} // namespace luthier::quant
