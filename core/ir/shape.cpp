#include "ir/shape.h"

namespace luthier::ir {

int64_t elementCount(const Shape& shape)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::string toString(const Shape& shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += "x";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

} // namespace luthier::ir
