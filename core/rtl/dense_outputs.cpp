#include "rtl/dense_outputs.h"

#include "rtl/verilog_text.h"

namespace luthier::rtl {

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
            v << "    wire [" << RB - 1 << ":0] q_" << o << " = " << wide << (d.inputScale == 2 ? " << 1" : "")
              << " + " << RB << "'h" << std::hex << masked(d.offset[size_t(o)], RB) << std::dec << ";\n";
        }
        return;
    }
    // Levels live in compareBits = accBits + 1; the decreasing direction compares S <= -L, and -L needs one more bit.
    const int CW = d.compareBits + 1;
    const int64_t never = (int64_t(1) << (d.compareBits - 1)) - 1, always = -(int64_t(1) << (d.compareBits - 1));
    for (int64_t o = 0; o < outputs; ++o) {
        v << "    wire signed [" << CW - 1 << ":0] c_" << o << " = " << signExtend(sumNet(o), AB, CW) << ";\n";
        v << "    wire [" << d.outputBits - 1 << ":0] q_" << o << " = " << d.outputBits << "'d0";
        const bool up = d.compareSign[size_t(o)] > 0;
        for (int64_t level : d.compareLevels[size_t(o)]) {
            if (level == never)
                continue; // the mapper clamps unreachable levels here: S never reaches them
            if (level == always) {
                v << " + 1'b1";
                continue;
            }
            v << " + (c_" << o << (up ? " >= " : " <= ") << signedConst(up ? level : -level, CW) << ")";
        }
        v << ";\n";
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
