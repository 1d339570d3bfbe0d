#pragma once
// Data-movement operations shared by the float and the integer executor (same index arithmetic for
// both, so they can never disagree on layout): channel lookup, transpose, nearest resize, concat,
// max pooling and convolution window geometry. Shapes are per sample, C order.

#include "ir/graph.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace luthier::sim {

// Channel of flat index i in a tensor of `shape`, channel along `axis`.
struct ChannelOf {
    int64_t inner = 1, dim = 1;
    int64_t operator()(int64_t i) const { return (i / inner) % dim; }
};
ChannelOf channelOf(const ir::Shape& shape, int axis);

// {C, H, W} view of a per-sample tensor for windowed ops: {C} -> {C,1,1}, {C,W} -> {C,1,W}.
struct Chw {
    int64_t c = 1, h = 1, w = 1;
};
Chw chwOf(const ir::Shape& shape);

std::vector<int64_t> stridesOf(const ir::Shape& shape);

template <typename T> void transpose(const T* in, const ir::Shape& inShape, const std::vector<int64_t>& perm, T* out)
{
    const size_t rank = inShape.size();
    const std::vector<int64_t> inStrides = stridesOf(inShape);
    ir::Shape outShape(rank);
    std::vector<int64_t> strideOfOutAxis(rank);
    for (size_t a = 0; a < rank; ++a) {
        outShape[a] = inShape[size_t(perm[a])];
        strideOfOutAxis[a] = inStrides[size_t(perm[a])];
    }
    const int64_t n = ir::elementCount(inShape);
    std::vector<int64_t> index(rank, 0);
    int64_t src = 0;
    for (int64_t i = 0; i < n; ++i) {
        out[i] = in[src];
        for (size_t a = rank; a-- > 0;) { // odometer over the output index
            src += strideOfOutAxis[a];
            if (++index[a] < outShape[a]) break;
            src -= strideOfOutAxis[a] * outShape[a];
            index[a] = 0;
        }
    }
}

// Nearest-neighbour upsampling: input index = floor(output index / scale), clamped. For the integer
// scales the models use this equals ONNX's asymmetric/floor and half_pixel/round_prefer_floor modes.
template <typename T>
void resizeNearest(
    const T* in, const ir::Shape& inShape, const ir::Shape& outShape, const std::vector<double>& scales, T* out)
{
    const size_t rank = inShape.size();
    const std::vector<int64_t> inStrides = stridesOf(inShape);
    std::vector<std::vector<int64_t>> srcOffset(rank);
    for (size_t a = 0; a < rank; ++a) {
        const double s = a < scales.size() && scales[a] > 0 ? scales[a] : double(outShape[a]) / double(inShape[a]);
        for (int64_t o = 0; o < outShape[a]; ++o) {
            const int64_t i = std::min<int64_t>(int64_t(double(o) / s), inShape[a] - 1);
            srcOffset[a].push_back(i * inStrides[a]);
        }
    }
    const int64_t n = ir::elementCount(outShape);
    std::vector<int64_t> index(rank, 0);
    for (int64_t i = 0; i < n; ++i) {
        int64_t src = 0;
        for (size_t a = 0; a < rank; ++a)
            src += srcOffset[a][size_t(index[a])];
        out[i] = in[src];
        for (size_t a = rank; a-- > 0;) {
            if (++index[a] < outShape[a]) break;
            index[a] = 0;
        }
    }
}

// Concatenation along `axis`; part j of the output comes from ins[j] with shape shapes[j].
template <typename T>
void concat(const std::vector<const T*>& ins, const std::vector<ir::Shape>& shapes, int axis, T* out)
{
    int64_t outer = 1;
    for (int a = 0; a < axis; ++a)
        outer *= shapes[0][size_t(a)];
    std::vector<int64_t> chunk(ins.size());
    for (size_t j = 0; j < ins.size(); ++j)
        chunk[j] = ir::elementCount(shapes[j]) / outer;
    for (int64_t o = 0; o < outer; ++o)
        for (size_t j = 0; j < ins.size(); ++j) {
            out = std::copy(ins[j] + o * chunk[j], ins[j] + (o + 1) * chunk[j], out);
        }
}

// Calls tap(iy, ix) for every position of the window at output (oy, ox) that lies inside `in` (padding is
// skipped), row by row.
template <typename Tap> void forEachWindowTap(const ir::Window& win, const Chw& in, int64_t oy, int64_t ox, Tap&& tap)
{
    for (int64_t ky = 0; ky < win.kernel[0]; ++ky) {
        const int64_t iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
        if (iy < 0 || iy >= in.h) continue;
        for (int64_t kx = 0; kx < win.kernel[1]; ++kx) {
            const int64_t ix = ox * win.stride[1] - win.padBegin[1] + kx * win.dilation[1];
            if (ix >= 0 && ix < in.w) tap(iy, ix);
        }
    }
}

// Max pooling over {C,H,W}; padded positions are ignored (ONNX pads with -inf).
template <typename T>
void maxPool(const T* in, const ir::Shape& inShape, const ir::Window& win, const ir::Shape& outShape, T* out)
{
    const Chw a = chwOf(inShape), b = chwOf(outShape);
    for (int64_t c = 0; c < b.c; ++c)
        for (int64_t oy = 0; oy < b.h; ++oy)
            for (int64_t ox = 0; ox < b.w; ++ox) {
                bool any = false;
                T best {};
                forEachWindowTap(win, a, oy, ox, [&](int64_t iy, int64_t ix) {
                    const T v = in[(c * a.h + iy) * a.w + ix];
                    if (!any || v > best) best = v;
                    any = true;
                });
                *out++ = best;
            }
}

// Number of input positions an average-pool window covers at output (oy, ox).
int64_t poolCount(const ir::Window& win, const Chw& in, int64_t oy, int64_t ox);

} // namespace luthier::sim
