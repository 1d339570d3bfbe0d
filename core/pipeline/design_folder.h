#pragma once
// The design folder `compile` writes (docs/compiler.md): the Verilog, ROMs and manifest of the design, the
// placement netlist for `place`, and the golden-model test vectors for `verify`. Everything is computed before
// the first file is written, so a model that fails to map or a dataset that does not fit leaves the folder as
// it was.

#include "pipeline/pipeline.h"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace luthier::pipeline {

struct WrittenDesign {
    std::shared_ptr<const arch::HwDesign> design;
    int64_t vectors = 0; // test vectors written; 0 without inputs
};

// maxVectors: the first N inputs become vectors (< 0: all).
WrittenDesign writeDesignFolder(Pipeline& build, const std::filesystem::path& dir, int64_t maxVectors, Progress& progress);

} // namespace luthier::pipeline
