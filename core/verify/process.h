#pragma once
// Child processes for the external tools (Verilator, Yosys, the built harness). Always an argument
// vector, never a shell string, so paths with spaces or quotes in them are passed through unchanged.

#include "util/progress.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luthier::verify {

struct ProcessResult {
    int exitCode = -1; // -1: killed by a signal or cancelled
    std::string output; // stdout and stderr, interleaved
    int64_t peakRssBytes = 0; // the largest resident set of the tool or any process it waited for
    double cpuSeconds = 0; // user + system time of the tool and of the processes it waited for
};

// One tool to run: its argument vector, working folder and log file (see runProcess).
struct ProcessSpec {
    std::vector<std::string> argv;
    std::filesystem::path workDir, logFile;
    uint64_t addressSpaceLimit = 0; // bytes, as runProcess's (0: none)
};

// How long a cancelled tool's process group has between SIGTERM and SIGKILL.
inline constexpr std::chrono::seconds kCancelGracePeriod { 2 };

// Runs argv[0] (looked up on PATH) in `workDir` in a process group of its own, stdin from /dev/null,
// stdout+stderr captured into `logFile` and returned. Polls `progress` for cancellation: then the group gets
// SIGTERM, SIGKILL after kCancelGracePeriod, and Cancelled is thrown once the tool has been reaped. When the
// tool exits, whatever it left running in its group is killed, so no process outlives the call.
// A non-zero `addressSpaceLimit` (bytes) becomes the tool's RLIMIT_AS, so an allocation past it fails in the
// tool instead of the machine running out of memory.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::filesystem::path& workDir,
    const std::filesystem::path& logFile, Progress* progress = nullptr, uint64_t addressSpaceLimit = 0);

// Runs all `specs` at once (each as runProcess does) and returns when all have exited, results in order.
// Cancel stops every group still running before Cancelled is thrown.
std::vector<ProcessResult> runProcesses(const std::vector<ProcessSpec>& specs, Progress* progress = nullptr);

// Full path of an executable on PATH (or the path itself when it contains '/' and is executable).
std::optional<std::filesystem::path> findProgram(const std::string& name);

} // namespace luthier::verify
