#pragma once
// Test vectors from the integer golden model (core/sim): the input codes hardware receives and the
// outputs it must produce, in the encoding of the design's ports (codes, or raw accumulators).

#include "arch/hw_design.h"
#include "rtl/test_vectors.h"
#include "sim/dataset.h"

namespace luthier::quant {
struct IntGraph;
}

namespace luthier::rtl {

// The first `maxCount` samples (< 0: all). Throws luthier::Error when the golden model's output does
// not match the design's output port.
TestVectors goldenVectors(const quant::IntGraph& graph, const arch::HwDesign& design, const sim::Dataset& inputs,
    int64_t maxCount = -1, Progress* progress = nullptr);

} // namespace luthier::rtl
