#pragma once
// Small text helpers every layer emitter shares: literals, sign extension, ROM `case` functions, .mem files,
// and comment text that is safe for untrusted model names.

#include "arch/hw_design.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::rtl {

std::string bin(uint64_t value, int width); // "4'b0101"
std::string hexDigits(const std::vector<uint8_t>& bits); // bits LSB first -> hex digits, MSB first
void putBits(std::vector<uint8_t>& bits, size_t offset, uint64_t value, int width);
uint64_t masked(int64_t value, int width); // low `width` bits of a two's complement value
int bitsFor(int64_t maxValue); // bits to count 0..maxValue (at least 1)
std::string range(int64_t hi, int64_t lo); // "[hi:lo]"
// The port list of a module behind the layer handshake (rtl/verilog_emitter.h): clk, rst, in_valid/in_ready,
// in_data, out_valid/out_ready, out_data; out_valid is a reg when the module drives it from a register.
std::string handshakeModuleHeader(const std::string& module, int64_t inWidth, int64_t outWidth, bool outValidReg);
// Sign-extends `name` (from `from` bits) to `to` bits.
std::string signExtend(const std::string& name, int from, int to);
// A signed constant of `width` bits as a Verilog expression: $signed(W'hX).
std::string signedConst(int64_t value, int width);
std::string memFile(const std::vector<std::vector<uint8_t>>& words);
// function [width-1:0] name(input [addrBits-1:0] a): case over the words, default 0.
void romFunction(std::ostringstream& v, const std::string& name, const std::vector<std::vector<uint8_t>>& words,
    int width, int addrBits);
// A constant lookup table for the parallel templates: `reg [width-1:0] name [0:N-1]` filled by an `initial`
// block (entries two's complement), read as name[address] (tableRead). Synthesis maps the ROM to the same LUT
// logic as a `case` on the address; Verilator reads a C++ array. The table is marked rom_style = "logic"
// because one table has a read port per (input, weight) that uses it, and Yosys 0.23's memory_libmap,
// trying LUTRAM port arrangements for a ROM of 64 read ports, ran past 8 GB (TFC LUT-Dense); marked, it goes
// straight to logic (8 s for that layer). Vivado takes no "logic" value and keeps its own choice.
// A `case` function is instead inlined by Verilator at every call as a ternary tree per entry, and a wide
// constant's part-select as word-crossing shifts: the JSC template mix became 56 MB of C++ (a 5-minute build).
void tableConstant(std::ostringstream& v, const std::string& name, const std::vector<int64_t>& entries, int width);
// The expression reading entry `address` (a Verilog expression of the table's address bits) of tableConstant.
std::string tableRead(const std::string& name, const std::string& address);
std::string describeEstimate(const arch::Resources& r);
// A Verilog-2005 or SystemVerilog keyword ("wor", "table", "logic", ...), which cannot name a module.
bool isReservedWord(std::string_view name);
// Model names are untrusted: keep comment text printable and free of comment terminators.
std::string commentText(const std::string& raw);
// "module NAME (clk, rst, in_valid, in_ready, in_data[inBits], out_valid, out_ready, out_data[outBits]);"
std::string modulePorts(const std::string& module, int64_t inBits, int64_t outBits, bool outputReg);

} // namespace luthier::rtl
