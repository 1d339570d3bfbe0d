// These loops are the golden model's hot path: build them with the vectoriser on, whatever the
// project's optimisation level (RelWithDebInfo is -O2, where GCC 12 vectorises only trivial loops).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#include "sim/int_kernels.h"

namespace luthier::sim {

int32_t dot16(const int16_t* a, const int16_t* w, int64_t n)
{
    int32_t s = 0;
    for (int64_t i = 0; i < n; ++i)
        s += int32_t(a[i]) * int32_t(w[i]);
    return s;
}

void dot16x4(const int16_t* a, const int16_t* w0, const int16_t* w1, const int16_t* w2, const int16_t* w3, int64_t n,
    int32_t* out)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int32_t x = a[i];
        s0 += x * int32_t(w0[i]);
        s1 += x * int32_t(w1[i]);
        s2 += x * int32_t(w2[i]);
        s3 += x * int32_t(w3[i]);
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

int64_t dot32(const int32_t* a, const int32_t* w, int64_t n)
{
    int64_t s = 0;
    for (int64_t i = 0; i < n; ++i)
        s += int64_t(a[i]) * int64_t(w[i]);
    return s;
}

} // namespace luthier::sim
