#include "rtl/dense_outputs.h"

#include "arch/map_dense.h"
#include "rtl/verilog_text.h"
#include "util/error.h"

#include <algorithm>

namespace luthier::rtl {

namespace {

// One output bit of the count: the OR of its terms over the comparison bits `t`.
std::string thermometerBit(const std::vector<arch::ThermometerTerm>& terms, const std::string& t)
{
    std::vector<std::string> factors;
    for (const arch::ThermometerTerm& term : terms) {
        if (term.set < 0 && term.clear < 0) return "1'b1";
        const std::string clear = term.clear < 0 ? "" : "~" + t + "[" + std::to_string(term.clear) + "]";
        factors.push_back(term.set < 0 ? clear
                : clear.empty()        ? t + "[" + std::to_string(term.set) + "]"
                                       : "(" + t + "[" + std::to_string(term.set) + "] & " + clear + ")");
    }
    if (factors.empty()) return "1'b0";
    std::string bit = factors[0];
    for (size_t k = 1; k < factors.size(); ++k)
        bit += " | " + factors[k];
    return factors.size() > 1 ? "(" + bit + ")" : bit;
}

} // namespace

void emitDenseOutputs(std::ostringstream& v, const arch::DenseArithmetic& d, int64_t outputs,
    const std::function<std::string(int64_t)>& sumNet)
{
    const int AB = d.accBits;
    if (d.raw) {
        const int RB = d.rawBits;
        for (int64_t o = 0; o < outputs; ++o) {
            // raw = scale * S + offset, exact in rawBits (the mapper sized rawBits for the whole range).
            const std::string s = sumNet(o);
            std::string wide = RB > AB ? signExtend(s, AB, RB) : s + "[" + std::to_string(RB - 1) + ":0]";
            v << "    wire [" << RB - 1 << ":0] q_" << o << " = " << wide << (d.inputScale == 2 ? " << 1" : "") << " + "
              << RB << "'h" << std::hex << masked(d.offset[size_t(o)], RB) << std::dec << ";\n";
        }
        return;
    }
    // Levels live in compareBits = accBits + 1; the decreasing direction compares S <= -L, and -L needs one more bit.
    const int CW = d.compareBits + 1;
    const int64_t never = (int64_t(1) << (d.compareBits - 1)) - 1, always = -(int64_t(1) << (d.compareBits - 1));
    for (int64_t o = 0; o < outputs; ++o) {
        const std::vector<int64_t>& levels = d.compareLevels[size_t(o)];
        // The thermometer encoder below needs ascending levels (quant::Thresholds keeps them so).
        if (!std::is_sorted(levels.begin(), levels.end()))
            throw Error("dense output stage: the levels of output " + std::to_string(o) + " do not ascend");
        const bool up = d.compareSign[size_t(o)] > 0;
        const std::string c = "c_" + std::to_string(o), t = "t_" + std::to_string(o);
        v << "    wire signed [" << CW - 1 << ":0] " << c << " = " << signExtend(sumNet(o), AB, CW) << ";\n";
        // t_o[k]: S reached level k. The mapper clamps unreachable levels to `never` and always-reached ones to
        // `always`: constants, which thermometerTerms folds away.
        v << "    wire [" << levels.size() - 1 << ":0] " << t << " = {";
        for (size_t k = levels.size(); k-- > 0;) {
            const int64_t level = levels[k];
            if (level == never || level == always)
                v << (level == always ? "1'b1" : "1'b0");
            else
                v << "(" << c << (up ? " >= " : " <= ") << signedConst(up ? level : -level, CW) << ")";
            v << (k ? ", " : "};\n");
        }
        // The count of set bits, read off the thermometer code bit by bit: far fewer LUTs than adding the bits
        // (Yosys builds a 63-bit sum as a carry-save tree: 147 LUTs against 40 for this encoder).
        v << "    wire [" << d.outputBits - 1 << ":0] q_" << o << " = {";
        for (int bit = d.outputBits; bit-- > 0;)
            v << thermometerBit(arch::thermometerTerms(d, o, bit), t) << (bit ? ", " : "};\n");
    }
}

std::string packedOutputs(int64_t outputs)
{
    std::string s = "{";
    for (int64_t o = outputs; o-- > 0;)
        s += "q_" + std::to_string(o) + (o ? ", " : "}");
    return s;
}

} // namespace luthier::rtl
