#include "rtl/verilog_text.h"

#include "arch/tlmac/layer_units.h"

#include <set>

namespace luthier::rtl {

std::string bin(uint64_t value, int width)
{
    std::string s = std::to_string(width) + "'b";
    for (int i = width - 1; i >= 0; --i)
        s += (value >> i & 1u) ? '1' : '0';
    return s;
}

std::string hexDigits(const std::vector<uint8_t>& bits)
{
    static const char* digits = "0123456789abcdef";
    std::string s;
    const size_t n = (bits.size() + 3) / 4;
    for (size_t d = n; d-- > 0;) {
        int v = 0;
        for (int b = 3; b >= 0; --b) {
            const size_t i = d * 4 + size_t(b);
            v = v * 2 + (i < bits.size() ? bits[i] : 0);
        }
        s += digits[v];
    }
    return s.empty() ? "0" : s;
}

void putBits(std::vector<uint8_t>& bits, size_t offset, uint64_t value, int width)
{
    for (int i = 0; i < width; ++i)
        bits[offset + size_t(i)] = uint8_t(value >> i & 1u);
}

uint64_t masked(int64_t value, int width)
{
    return width >= 64 ? uint64_t(value) : uint64_t(value) & ((uint64_t(1) << width) - 1);
}

int bitsFor(int64_t maxValue)
{
    return arch::tlmac::unsignedBitsFor(maxValue);
}

std::string range(int64_t hi, int64_t lo)
{
    return "[" + std::to_string(hi) + ":" + std::to_string(lo) + "]";
}

std::string signExtend(const std::string& name, int from, int to)
{
    if (to == from) return name;
    if (from == 1) return "{" + std::to_string(to) + "{" + name + "}}";
    return "{{" + std::to_string(to - from) + "{" + name + "[" + std::to_string(from - 1) + "]}}, " + name + "}";
}

std::string signedConst(int64_t value, int width)
{
    std::vector<uint8_t> bits(size_t(width), 0);
    putBits(bits, 0, masked(value, width), width);
    return "$signed(" + std::to_string(width) + "'h" + hexDigits(bits) + ")";
}

std::string memFile(const std::vector<std::vector<uint8_t>>& words)
{
    std::string s;
    for (const auto& w : words)
        s += hexDigits(w) + "\n";
    return s;
}

void romFunction(std::ostringstream& v, const std::string& name, const std::vector<std::vector<uint8_t>>& words,
    int width, int addrBits)
{
    v << "    function [" << width - 1 << ":0] " << name << ";\n";
    v << "        input [" << addrBits - 1 << ":0] a;\n";
    v << "        begin\n            case (a)\n";
    for (size_t i = 0; i < words.size(); ++i)
        v << "                " << addrBits << "'d" << i << ": " << name << " = " << width << "'h"
          << hexDigits(words[i]) << ";\n";
    v << "                default: " << name << " = " << width << "'h0;\n";
    v << "            endcase\n        end\n    endfunction\n\n";
}

void tableConstant(std::ostringstream& v, const std::string& name, const std::vector<int64_t>& entries, int width)
{
    v << "    (* rom_style = \"logic\" *) reg [" << width - 1 << ":0] " << name << " [0:" << entries.size() - 1
      << "];\n    initial begin";
    for (size_t a = 0; a < entries.size(); ++a) {
        std::vector<uint8_t> bits(size_t(width), 0);
        putBits(bits, 0, masked(entries[a], width), width);
        v << (a % 8 ? " " : "\n        ") << name << "[" << a << "] = " << width << "'h" << hexDigits(bits) << ";";
    }
    v << "\n    end\n";
}

std::string tableRead(const std::string& name, const std::string& address)
{
    return name + "[" + address + "]";
}

std::string describeEstimate(const arch::Resources& r)
{
    std::string s
        = std::to_string(r.lut) + " LUT, " + std::to_string(r.ff) + " FF, " + std::to_string(r.carry) + " CARRY4";
    if (r.dsp) s += ", " + std::to_string(r.dsp) + " DSP";
    return s;
}

bool isReservedWord(std::string_view name)
{
    // IEEE 1800-2017 Annex B: every Verilog-2005 keyword and SystemVerilog's own. Verilator, Yosys (-sv) and
    // Vivado reject any of them as a module name.
    static const std::set<std::string_view> words { "accept_on", "alias", "always", "always_comb", "always_ff",
        "always_latch", "and", "assert", "assign", "assume", "automatic", "before", "begin", "bind", "bins", "binsof",
        "bit", "break", "buf", "bufif0", "bufif1", "byte", "case", "casex", "casez", "cell", "chandle", "checker",
        "class", "clocking", "cmos", "config", "const", "constraint", "context", "continue", "cover", "covergroup",
        "coverpoint", "cross", "deassign", "default", "defparam", "design", "disable", "dist", "do", "edge", "else",
        "end", "endcase", "endchecker", "endclass", "endclocking", "endconfig", "endfunction", "endgenerate",
        "endgroup", "endinterface", "endmodule", "endpackage", "endprimitive", "endprogram", "endproperty",
        "endsequence", "endspecify", "endtable", "endtask", "enum", "event", "eventually", "expect", "export",
        "extends", "extern", "final", "first_match", "for", "force", "foreach", "forever", "fork", "forkjoin",
        "function", "generate", "genvar", "global", "highz0", "highz1", "if", "iff", "ifnone", "ignore_bins",
        "illegal_bins", "implements", "implies", "import", "incdir", "include", "initial", "inout", "input", "inside",
        "instance", "int", "integer", "interconnect", "interface", "intersect", "join", "join_any", "join_none",
        "large", "let", "liblist", "library", "local", "localparam", "logic", "longint", "macromodule", "matches",
        "medium", "modport", "module", "nand", "negedge", "nettype", "new", "nexttime", "nmos", "nor",
        "noshowcancelled", "not", "notif0", "notif1", "null", "or", "output", "package", "packed", "parameter", "pmos",
        "posedge", "primitive", "priority", "program", "property", "protected", "pull0", "pull1", "pulldown", "pullup",
        "pulsestyle_ondetect", "pulsestyle_onevent", "pure", "rand", "randc", "randcase", "randsequence", "rcmos",
        "real", "realtime", "ref", "reg", "reject_on", "release", "repeat", "restrict", "return", "rnmos", "rpmos",
        "rtran", "rtranif0", "rtranif1", "s_always", "s_eventually", "s_nexttime", "s_until", "s_until_with",
        "scalared", "sequence", "shortint", "shortreal", "showcancelled", "signed", "small", "soft", "solve", "specify",
        "specparam", "static", "string", "strong", "strong0", "strong1", "struct", "super", "supply0", "supply1",
        "sync_accept_on", "sync_reject_on", "table", "tagged", "task", "this", "throughout", "time", "timeprecision",
        "timeunit", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg", "type", "typedef",
        "union", "unique", "unique0", "unsigned", "until", "until_with", "untyped", "use", "uwire", "var", "vectored",
        "virtual", "void", "wait", "wait_order", "wand", "weak", "weak0", "weak1", "while", "wildcard", "wire", "with",
        "within", "wor", "xnor", "xor" };
    return words.count(name) > 0;
}

std::string commentText(const std::string& raw)
{
    std::string s;
    for (unsigned char ch : raw)
        s += (ch >= 32 && ch < 127 && ch != '*' && ch != '/') ? char(ch) : '?';
    return s;
}

std::string modulePorts(const std::string& module, int64_t inBits, int64_t outBits, bool outputReg)
{
    return "module " + module + " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
        + "    output wire in_ready,\n    input wire [" + std::to_string(inBits - 1) + ":0] in_data,\n    output "
        + (outputReg ? "reg" : "wire") + " out_valid,\n    input wire out_ready,\n    output wire ["
        + std::to_string(outBits - 1) + ":0] out_data\n);\n\n";
}

std::string handshakeModuleHeader(const std::string& module, int64_t inWidth, int64_t outWidth, bool outValidReg)
{
    return "module " + module + " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
        + "    output wire in_ready,\n    input wire " + range(inWidth - 1, 0) + " in_data,\n    output "
        + (outValidReg ? "reg" : "wire") + " out_valid,\n    input wire out_ready,\n    output wire "
        + range(outWidth - 1, 0) + " out_data\n);\n";
}

} // namespace luthier::rtl
