#pragma once
// ONNX / QONNX / QCDQ import into the network IR (DESIGN.md section 3). Runs the clean-up passes
// (constant folding, BN and scalar folding, transpose handling) and returns a clean layer list.
// Every failure is a luthier::Error naming the file, node name, op type/domain and the reason.

#include "ir/graph.h"

#include <cstdint>
#include <map>
#include <onnx/onnx_pb.h>
#include <string>

namespace luthier::importer {

struct ImportLimits {
    int64_t maxTensorElements = int64_t(1) << 28; // any single tensor (declared or computed)
    int64_t maxNodes = 100000;
};

// Some models (ONNX node tests, for one) declare parameters as graph inputs: bind those to constants by name.
using BoundInputs = std::map<std::string, onnx::TensorProto>;

ir::Graph importModel(const std::string& path, const ImportLimits& limits = {}, const BoundInputs& bound = {});
// `label` names the source in error messages (e.g. the file name).
ir::Graph importModelFromBytes(
    const std::string& bytes, const std::string& label, const ImportLimits& limits = {}, const BoundInputs& bound = {});

} // namespace luthier::importer
