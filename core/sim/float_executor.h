#pragma once
// The float reference: runs an ir::Graph with the semantics of the ONNX file (dequantised weights,
// quantisers as QONNX defines them). Dot products accumulate in double so that, with float32 weights
// and activations, every product is exact and the result equals the integer golden model except
// where a sum itself rounds. Samples are spread over threads.

#include "ir/graph.h"
#include "sim/dataset.h"
#include "sim/run_result.h"
#include "util/progress.h"

namespace luthier::sim {

RunResult runFloat(const ir::Graph& graph, const Dataset& inputs, const RunOptions& options, Progress& progress);
RunResult runFloat(const ir::Graph& graph, const Dataset& inputs, const RunOptions& options = {});

} // namespace luthier::sim
