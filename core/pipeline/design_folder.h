#pragma once
// The design folder `compile` writes (docs/compiler.md): the Verilog, ROMs and manifest of the design, the
// placement netlist for `place`, and the golden-model test vectors for `verify`. The folder is a transaction
// (util/staged_folder.h): locked and checked first, everything computed before the first file is written, the
// files written beside it and swapped in whole, so a model that fails to map, a dataset that does not fit, a
// full disk or a kill leaves the old folder as it was.

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
WrittenDesign writeDesignFolder(
    Pipeline& build, const std::filesystem::path& dir, int64_t maxVectors, Progress& progress);

} // namespace luthier::pipeline
