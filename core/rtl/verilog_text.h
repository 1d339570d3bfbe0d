#pragma once
// Small text helpers every layer emitter shares: literals, sign extension, ROM `case` functions, .mem files,
// and comment text that is safe for untrusted model names.

#include "arch/hw_design.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace luthier::rtl {

std::string bin(uint64_t value, int width); // "4'b0101"
std::string hexDigits(const std::vector<uint8_t>& bits); // bits LSB first -> hex digits, MSB first
void putBits(std::vector<uint8_t>& bits, size_t offset, uint64_t value, int width);
uint64_t masked(int64_t value, int width); // low `width` bits of a two's complement value
int bitsFor(int64_t maxValue); // bits to count 0..maxValue (at least 1)
// Sign-extends `name` (from `from` bits) to `to` bits.
std::string signExtend(const std::string& name, int from, int to);
// A signed constant of `width` bits as a Verilog expression: $signed(W'hX).
std::string signedConst(int64_t value, int width);
std::string memFile(const std::vector<std::vector<uint8_t>>& words);
// function [width-1:0] name(input [addrBits-1:0] a): case over the words, default 0.
void romFunction(std::ostringstream& v, const std::string& name, const std::vector<std::vector<uint8_t>>& words,
    int width, int addrBits);
std::string describeEstimate(const arch::Resources& r);
// Model names are untrusted: keep comment text printable and free of comment terminators.
std::string commentText(const std::string& raw);
// "module NAME (clk, rst, in_valid, in_ready, in_data[inBits], out_valid, out_ready, out_data[outBits]);"
std::string modulePorts(const std::string& module, int64_t inBits, int64_t outBits, bool outputReg);

} // namespace luthier::rtl
