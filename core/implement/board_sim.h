#pragma once
// The UART board top in Verilator, as a stand-in for the board: a harness that drives uart_rx bit by bit with the
// request bytes it is given and decodes what the top sends back on uart_tx. Stop-and-wait like a host: one request,
// then its reply, then the next. This is how the board top is verified bit-exactly without a board.

#include "implement/board_uart.h"
#include "util/progress.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace luthier::implement {

// Writes luthier_uart_top (CLKS_PER_BIT = clksPerBit) beside the design's Verilog in `buildDir` and builds the
// harness with Verilator; returns the harness executable. Throws luthier::Error when Verilator is missing or the
// build fails (with the end of its log).
std::filesystem::path buildBoardSimulator(const std::filesystem::path& designDir, const BoardShape& shape,
    const std::filesystem::path& buildDir, int64_t clksPerBit, Progress* progress = nullptr);

// Sends `requests` (whole requests, shape.requestBytes() each) through the simulated UART and returns the bytes
// the top sent back. Throws luthier::Error when the harness fails or a reply does not come within its time.
// `clksPerBit` must be the one the harness was built with.
std::vector<uint8_t> simulateBoard(const std::filesystem::path& harness, const BoardShape& shape, int64_t clksPerBit,
    const std::vector<uint8_t>& requests, Progress* progress = nullptr);

// The harness can also play the board on a pseudo-terminal, for `luthier-cli board` without a board: run
//   HARNESS serve COUNT requestBytes replyBytes clksPerBit
// it prints the slave's path (/dev/pts/N) on its first line and answers COUNT requests written there.

} // namespace luthier::implement
