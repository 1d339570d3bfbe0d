#pragma once
// Child processes for the external tools (Verilator, Yosys, the built harness). Always an argument
// vector, never a shell string, so paths with spaces or quotes in them are passed through unchanged.

#include "util/progress.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luthier::verify {

struct ProcessResult {
    int exitCode = -1; // -1: killed by a signal or cancelled
    std::string output; // stdout and stderr, interleaved
};

// Runs argv[0] (looked up on PATH) in `workDir`, stdout+stderr captured into `logFile` and returned.
// Polls `progress` for cancellation (kills the child and throws Cancelled).
ProcessResult runProcess(const std::vector<std::string>& argv, const std::filesystem::path& workDir,
    const std::filesystem::path& logFile, Progress* progress = nullptr);

// Full path of an executable on PATH (or the path itself when it contains '/' and is executable).
std::optional<std::filesystem::path> findProgram(const std::string& name);

} // namespace luthier::verify
