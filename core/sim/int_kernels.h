#pragma once
// Integer dot-product kernels of the golden model. Operands are the input integers minus their zero
// point and the integer weights; the accumulator type is chosen per layer from proven bounds.

#include <cstdint>

namespace luthier::sim {

// sum_i a[i] * w[i] with int16 operands and an int32 accumulator (caller proves no overflow).
int32_t dot16(const int16_t* a, const int16_t* w, int64_t n);
// Four rows of weights against one activation vector at once (activation loads shared).
void dot16x4(const int16_t* a, const int16_t* w0, const int16_t* w1, const int16_t* w2, const int16_t* w3, int64_t n,
    int32_t* out);
// The general path: int32 operands, int64 accumulator.
int64_t dot32(const int32_t* a, const int32_t* w, int64_t n);

} // namespace luthier::sim
