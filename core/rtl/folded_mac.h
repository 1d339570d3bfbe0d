#pragma once
// The folded multiply-accumulate layer that the DSP and shift-add templates share: P lanes, one output each
// per block, walk the inputs one per clock; lane p's weight comes from a weight ROM (one word per step holding
// every lane's encoded weight), its product is template-specific, and its accumulator sums S_o. After the last
// block the shared output stage (rtl/dense_outputs.h) requantises every output in parallel.
//
// Pipeline: issue (input mux, ROM read) -> registered code and weights -> accumulate -> (blocks > 1: S registers)
// -> output register. Cycles per inference: blocks * inputs + 4.

#include "arch/hw_design.h"

#include <cstdint>
#include <functional>
#include <string>

namespace luthier::rtl {

struct FoldedProduct {
    std::string description; // one line for the module header
    int wordBits = 1; // encoded weight bits per lane in the ROM
    std::function<uint64_t(int32_t)> encode; // weight -> ROM word
    int productBits = 1; // signed width of a product
    // Verilog declaring `wire [productBits-1:0] prod_<lane>` from the lane's weight word `word` and the
    // unsigned input code `a` (inputBits wide).
    std::function<std::string(int lane, const std::string& word, const std::string& a)> product;
};

std::string emitFoldedMac(const arch::HwLayer& layer, const FoldedProduct& product);

} // namespace luthier::rtl
