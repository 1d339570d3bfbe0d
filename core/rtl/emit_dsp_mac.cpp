// DSP MAC layer modules: the folded multiply-accumulate (rtl/folded_mac.h) with a plain signed `*` per lane,
// which synthesis maps to a DSP48 slice (or to LUTs for products narrower than the DSP threshold).

#include "rtl/folded_mac.h"
#include "rtl/layer_emitters.h"
#include "rtl/verilog_text.h"

namespace luthier::rtl {

LayerEmission emitDspLayer(const arch::HwLayer& layer)
{
    const arch::DenseDatapath& d = *layer.dense;
    FoldedProduct p;
    p.description = "signed multiply-accumulate per lane (DSP48 when the product has >= 9 bits)";
    p.wordBits = d.weightBits;
    p.encode = [wb = d.weightBits](int32_t w) { return masked(w, wb); };
    p.productBits = d.weightBits + d.inputBits + 1;
    p.product = [pb = p.productBits](int lane, const std::string& word, const std::string& a) {
        return "    wire signed [" + std::to_string(pb - 1) + ":0] prod_" + std::to_string(lane) + " = $signed(" + word
            + ") * $signed({1'b0, " + a + "});\n";
    };
    LayerEmission e;
    e.verilog = emitFoldedMac(layer, p);
    e.details = { { "lanes", d.parallel }, { "inputBits", d.inputBits }, { "weightBits", d.weightBits },
        { "accBits", d.accBits }, { "outputBits", d.outBits() }, { "raw", d.raw } };
    e.detailsKey = "dense";
    return e;
}

} // namespace luthier::rtl
