#include "ir/shape.h"

#include <limits>

namespace luthier::ir {

int64_t elementCount(const Shape& shape)
{
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) return -1;
        if (__builtin_mul_overflow(n, d, &n))
            return std::numeric_limits<int64_t>::max(); // saturate: any budget check then refuses it
    }
    return n;
}

std::string toString(const Shape& shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += "x";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

} // namespace luthier::ir
