#pragma once
// The UART board top: the compiled network behind a serial port, so a design with hundreds of I/O bits runs on a
// board through three pins (clk, uart_rx, uart_tx). 8N1 at `baud`, one request answered before the next is read.
//
// Protocol (docs/implement.md):
//   request  A5, then ceil(I*b/8) payload bytes: the input vector as the top's in_data bits, element i at bits
//            [i*b +: b], packed little-endian (bit k of in_data is bit k%8 of payload byte k/8).
//   reply    5A, then ceil(O*w/8) bytes of out_data packed the same way, then one byte: the class, the index of
//            the first largest output (signed or unsigned as the manifest says).
// A request cut short (no byte for 16 byte times) is dropped; bytes before an A5 are ignored, and so are bytes
// that arrive while the network computes or the reply goes out.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace luthier::implement {

inline constexpr uint8_t kRequestHeader = 0xA5, kReplyHeader = 0x5A;
inline constexpr const char* kBoardTop = "luthier_uart_top";

// The shapes the protocol needs, from the design folder's manifest.json ("top", "input", "output").
struct BoardShape {
    std::string top; // the network's top module
    int64_t inputCount = 0, inputBits = 0, outputCount = 0, outputBits = 0;
    bool outputSigned = false;

    int64_t requestBytes() const { return 1 + (inputCount * inputBits + 7) / 8; }
    int64_t replyBytes() const { return 1 + (outputCount * outputBits + 7) / 8 + 1; }
};

// Throws luthier::Error naming the manifest and key when the design cannot go behind the shell (more than 256
// outputs: the class would not fit its byte).
BoardShape loadBoardShape(const std::filesystem::path& dir);

// The Verilog of module luthier_uart_top (parameter CLKS_PER_BIT, the clock cycles of one bit: clockHz / baud).
std::string uartBoardTopVerilog(const BoardShape& shape, int64_t clksPerBit);

// The pins of clk, uart_rx and uart_tx on the part's usual board (iCEBreaker, HX8K breakout), as a .pcf.
std::string boardPins(const std::string& part);

// Host side of the protocol.
std::vector<uint8_t> packRequest(const BoardShape& shape, const uint64_t* codes);
struct Reply {
    std::vector<int64_t> outputs;
    int64_t classIndex = 0;
};
// Throws luthier::Error when `bytes` (replyBytes() of them) do not start with the reply header.
Reply parseReply(const BoardShape& shape, const uint8_t* bytes);

} // namespace luthier::implement
