#pragma once
// Datasets for the executors: a batch of float input samples and optional integer labels, read from
// .npy or .csv. Inputs must hold a whole number of samples of the model's input size; a different
// per-sample shape with the same element count (e.g. 784 vs 1x28x28) is accepted and reshaped.

#include "ir/shape.h"

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::sim {

struct Dataset {
    ir::Shape sampleShape; // the model's per-sample input shape
    int64_t count = 0;
    std::vector<double> data; // count * elementCount(sampleShape), C order

    int64_t sampleSize() const { return ir::elementCount(sampleShape); }
    const double* sample(int64_t i) const { return data.data() + i * sampleSize(); }
};

// `.npy` (any numeric dtype) or `.csv` (one sample per row), chosen by extension.
Dataset loadInputs(const std::string& path, const ir::Shape& sampleShape);
// Labels: an integer (or integral float) vector, or a one-hot / score matrix (argmax per row), from
// .npy or .csv. `expectedCount` < 0 skips the count check.
std::vector<int64_t> loadLabels(const std::string& path, int64_t expectedCount = -1);

// Index of the largest value in [begin, begin + n); the first one on ties.
int64_t argmax(const double* begin, int64_t n);

} // namespace luthier::sim
