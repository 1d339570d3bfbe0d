#include "sim/tensor_ops.h"

namespace luthier::sim {

ChannelOf channelOf(const ir::Shape& shape, int axis)
{
    ChannelOf c;
    if (shape.empty() || axis < 0 || axis >= int(shape.size())) return c;
    c.dim = shape[size_t(axis)];
    for (size_t a = size_t(axis) + 1; a < shape.size(); ++a)
        c.inner *= shape[a];
    return c;
}

Chw chwOf(const ir::Shape& shape)
{
    Chw r;
    if (shape.size() >= 1) r.c = shape[0];
    if (shape.size() == 2) r.w = shape[1];
    if (shape.size() >= 3) {
        r.h = shape[1];
        r.w = shape[2];
        for (size_t a = 3; a < shape.size(); ++a)
            r.w *= shape[a];
    }
    return r;
}

std::vector<int64_t> stridesOf(const ir::Shape& shape)
{
    std::vector<int64_t> strides(shape.size(), 1);
    for (size_t a = shape.size(); a-- > 1;)
        strides[a - 1] = strides[a] * shape[a];
    return strides;
}

int64_t poolCount(const ir::Window& win, const Chw& in, int64_t oy, int64_t ox)
{
    if (win.countIncludePad) return win.kernel[0] * win.kernel[1];
    int64_t n = 0;
    for (int64_t ky = 0; ky < win.kernel[0]; ++ky) {
        const int64_t iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
        for (int64_t kx = 0; kx < win.kernel[1]; ++kx) {
            const int64_t ix = ox * win.stride[1] - win.padBegin[1] + kx * win.dilation[1];
            n += iy >= 0 && iy < in.h && ix >= 0 && ix < in.w;
        }
    }
    return n;
}

} // namespace luthier::sim
