#pragma once
// Accuracy of the float and integer executors on a labelled dataset, and how closely they agree:
// what `luthier-cli eval` prints and the GUI shows. Classification = argmax over the first output.

#include "sim/run_result.h"

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace luthier::sim {

struct Evaluation {
    int64_t samples = 0;
    int64_t classes = 0;
    bool labelled = false;
    int64_t floatCorrect = 0, intCorrect = 0; // top-1 hits (labelled only)
    int64_t argmaxAgree = 0; // samples whose predicted class is the same in both executors
    int64_t values = 0, valueMismatches = 0; // output values differing by more than the tolerance
    double maxAbsDifference = 0;
    int64_t floatTies = 0, intTies = 0; // samples whose top score is shared by two or more classes
    std::vector<LayerRange> floatRanges, intRanges;

    double floatAccuracy() const { return samples ? double(floatCorrect) / double(samples) : 0.0; }
    double intAccuracy() const { return samples ? double(intCorrect) / double(samples) : 0.0; }
    double agreement() const { return samples ? double(argmaxAgree) / double(samples) : 0.0; }
};

// Values count as equal within relTolerance * max(1, |float value|). `labels` may be empty.
Evaluation evaluate(
    const RunResult& floatRun, const RunResult& intRun, const std::vector<int64_t>& labels, double relTolerance = 1e-6);

// Number of samples whose largest value occurs more than once.
int64_t countArgmaxTies(const std::vector<double>& values, int64_t samples);

nlohmann::json toJson(const Evaluation& e);

} // namespace luthier::sim
