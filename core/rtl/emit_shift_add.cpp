// Shift-add layer modules (n-BQ-NN): the folded multiply-accumulate (rtl/folded_mac.h) where each weight is
// stored as {non-zero, negative, exponent} and the product is the input code shifted left by the exponent,
// negated for negative weights. The mapper (arch/map_shift_add.cpp) has checked every weight is 0 or +-2^e.

#include "rtl/folded_mac.h"
#include "rtl/layer_emitters.h"
#include "rtl/verilog_text.h"

#include <algorithm>
#include <cstdlib>

namespace luthier::rtl {

LayerEmission emitShiftAddLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    int maxExponent = 0;
    for (int32_t w : d.weights)
        for (int e = 0; e < 31; ++e)
            if (std::llabs(int64_t(w)) == (int64_t(1) << e)) maxExponent = std::max(maxExponent, e);
    const int EB = bitsFor(maxExponent);
    FoldedProduct p;
    p.description = "shift-add per lane: product = +-(code << e), weights stored as {non-zero, negative, e}";
    p.wordBits = 2 + EB;
    p.encode = [EB](int32_t w) -> uint64_t {
        if (w == 0) return 0;
        const int64_t m = std::llabs(int64_t(w));
        uint64_t e = 0;
        while ((int64_t(1) << (e + 1)) <= m)
            ++e;
        return e | (uint64_t(w < 0) << EB) | (uint64_t(1) << (EB + 1));
    };
    p.productBits = d.inputBits + maxExponent + 1;
    p.product = [pb = p.productBits, EB](int lane, const std::string& word, const std::string& a) {
        // word = w1[hi:lo]: its bits are {nz, neg, e}; name them through a wire so they can be indexed.
        const std::string n = std::to_string(lane), top = std::to_string(EB + 1);
        return "    wire [" + top + ":0] sw_" + n + " = " + word + ";\n" + "    wire [" + std::to_string(pb - 1)
            + ":0] mag_" + n + " = {" + std::to_string(pb) + "'d0, " + a + "} << sw_" + n + "[" + std::to_string(EB - 1)
            + ":0];\n" + "    wire [" + std::to_string(pb - 1) + ":0] prod_" + n + " = !sw_" + n + "[" + top + "] ? "
            + std::to_string(pb) + "'d0 : sw_" + n + "[" + std::to_string(EB) + "] ? -mag_" + n + " : mag_" + n + ";\n";
    };
    LayerEmission e;
    e.verilog = emitFoldedMac(layer, p);
    e.details = { { "lanes", d.parallel }, { "inputBits", d.inputBits }, { "maxExponent", maxExponent },
        { "accBits", d.accBits }, { "outputBits", d.outBits() }, { "raw", d.raw } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
