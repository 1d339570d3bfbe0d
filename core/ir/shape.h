#pragma once
// Shapes of per-sample tensors. The batch dimension of the model is stripped on import:
// a layer's shape describes one sample (Dense: {N}; Conv: {C, H, W}; Conv1D: {C, 1, W}).

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::ir {

using Shape = std::vector<int64_t>;

// Product of the dimensions; saturates at INT64_MAX on overflow and returns -1 for a negative dimension,
// so that size budgets reject hostile shapes instead of wrapping.
int64_t elementCount(const Shape& shape);
std::string toString(const Shape& shape);

} // namespace luthier::ir
