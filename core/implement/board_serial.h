#pragma once
// Running test vectors on a board (or anything that speaks the UART board top's protocol on a serial port, such
// as the Verilator harness on a pseudo-terminal): each vector sent as a request, each reply compared bit-exactly
// with the golden model's outputs, and its class with the first largest expected output.

#include "implement/board_uart.h"
#include "rtl/test_vectors.h"
#include "util/progress.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace luthier::implement {

struct BoardRunOptions {
    int64_t baud = 115200;
    int64_t maxVectors = -1; // < 0: all
    double replyTimeoutSeconds = 2.0; // per reply, after the request went out
    int maxMismatches = 10; // listed in the report (all are counted)
};

struct BoardMismatch {
    int64_t sample = 0, output = 0; // output == outputCount: the class byte
    int64_t expected = 0, got = 0;
};

struct BoardRunReport {
    int64_t vectors = 0, passed = 0, failed = 0;
    std::vector<BoardMismatch> mismatches;
    double seconds = 0;

    bool ok() const { return vectors > 0 && failed == 0; }
};

// Opens `device` raw 8N1 at options.baud and runs the vectors. Throws luthier::Error when the device cannot be
// opened or configured, or a reply does not arrive in time or lacks its header; Cancelled when `progress` is.
BoardRunReport runOnBoard(const std::filesystem::path& device, const BoardShape& shape, const rtl::TestVectors& vectors,
    const BoardRunOptions& options, Progress* progress = nullptr);

} // namespace luthier::implement
