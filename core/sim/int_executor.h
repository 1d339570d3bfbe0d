#pragma once
// The integer golden model: executes a quant::IntGraph exactly as hardware does (integer weights,
// exact accumulators, threshold requantisation). Samples run in blocks across threads; dot products use
// int16 operands and int32 accumulators wherever the lowering's bounds prove that cannot overflow, and
// int64 otherwise. Returns each output's integers, their real (dequantised) values, and per-layer ranges.

#include "quant/int_graph.h"
#include "sim/dataset.h"
#include "sim/run_result.h"
#include "util/progress.h"

#include <memory>

namespace luthier::sim {

class IntExecutor {
public:
    explicit IntExecutor(const quant::IntGraph& graph); // prepares packed weights; graph must outlive this
    ~IntExecutor();
    IntExecutor(const IntExecutor&) = delete;
    IntExecutor& operator=(const IntExecutor&) = delete;

    RunResult run(const Dataset& inputs, const RunOptions& options, Progress& progress) const;
    RunResult run(const Dataset& inputs, const RunOptions& options = {}) const;

    // The integer input hardware receives for one float sample (preprocessing + input quantiser).
    std::vector<int64_t> quantiseInput(const double* sample) const;

private:
    struct Prepared;
    std::unique_ptr<Prepared> m_prep;
};

RunResult runInteger(const quant::IntGraph& graph, const Dataset& inputs, const RunOptions& options = {});

} // namespace luthier::sim
