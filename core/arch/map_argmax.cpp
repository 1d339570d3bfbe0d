// The argmax output block (issue 5): appended after the design's last layer when MapOptions::argmax is set.
// It compares the integers hardware outputs, which picks the model's class when they order like the model's
// real outputs: requantised codes of one per-tensor format as they are; raw accumulators whose real value is a
// per-channel affine map a_c * acc + b_c (scales, biases, folded batch norm / TensorNorm) through integer
// multipliers and offsets, a and b scaled by 2^20 / max|a| and rounded. The rounding can only reorder outputs
// whose real values differ by less than about |acc| * 2^-20 of the largest scale, far below the golden model's
// own float precision in practice; verification checks the class of every vector. Epilogues that are not
// affine (ReLU, clipping, quantisers after the last accumulator) can tie outputs and are refused.

#include "arch/map_dense.h"
#include "arch/tlmac/layer_units.h"
#include "quant/int_graph.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace luthier::arch {

namespace {

constexpr int kArgmaxFraction = 20;

bool uniform(const std::vector<double>& v)
{
    return std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; });
}

} // namespace

HwLayer mapArgmax(const HwLayer& last, const quant::IntLayer& source, const std::string& label)
{
    if (source.requant) {
        const quant::IntFormat& f = source.requant->out;
        if (f.perChannel() || !(f.scaleAt(0) > 0))
            throw Error("--argmax: the output layer " + label + " requantises with a per-channel scale, so its codes "
                + "do not order like its real outputs");
    }
    HwLayer hw;
    ArgmaxUnit a;
    if (!source.requant && !source.accScale.empty()) {
        // value_c = epilogue(accScale[c] * acc + accBias[c]): compose the affine parts into a_c * acc + b_c.
        const int64_t channels = last.outputCount;
        std::vector<double> mul(static_cast<size_t>(channels)), add(static_cast<size_t>(channels));
        for (int64_t c = 0; c < channels; ++c) {
            mul[size_t(c)] = source.accScale[source.accScale.size() == 1 ? 0 : size_t(c)];
            add[size_t(c)] = source.accBias.empty() ? 0.0 : source.accBias[source.accBias.size() == 1 ? 0 : size_t(c)];
        }
        for (const ir::PointwiseOp& op : source.accEpilogue) {
            if (op.kind != ir::PointwiseKind::Affine)
                throw Error("--argmax: the output layer " + label + " applies " + op.name() + " after its "
                    + "accumulator, which can tie outputs the accumulators order; argmax in hardware would not be "
                      "exact");
            for (int64_t c = 0; c < channels; ++c) {
                const double m = op.mul.empty() ? 1.0 : op.mul[op.mul.size() == 1 ? 0 : size_t(c)];
                const double k = op.add.empty() ? 0.0 : op.add[op.add.size() == 1 ? 0 : size_t(c)];
                mul[size_t(c)] *= m;
                add[size_t(c)] = add[size_t(c)] * m + k;
            }
        }
        const bool plain = uniform(mul) && uniform(add) && mul[0] > 0;
        if (!plain) {
            double largest = 0;
            for (double m : mul)
                largest = std::max(largest, std::abs(m));
            if (!(largest > 0) || !std::isfinite(largest))
                throw Error("--argmax: the output layer " + label + " has no finite non-zero output scale");
            const double unit = double(int64_t(1) << kArgmaxFraction) / largest;
            const int64_t accMax = int64_t(1) << (last.outputBits - 1);
            int64_t bound = 0;
            for (int64_t c = 0; c < channels; ++c) {
                const double b = std::round(add[size_t(c)] * unit);
                if (!(std::abs(b) < 1e15))
                    throw Error("--argmax: the output layer " + label + " has an output bias too large for the block");
                a.multiplier.push_back(int64_t(std::llround(mul[size_t(c)] * unit)));
                a.offset.push_back(int64_t(b));
                bound = std::max(bound, std::abs(a.multiplier.back()) * accMax + std::abs(a.offset.back()));
            }
            a.valueBits = tlmac::signedBitsFor(-bound, bound);
            if (a.valueBits > 62)
                throw Error("--argmax: the output layer " + label + " needs " + std::to_string(a.valueBits)
                    + "-bit comparisons (at most 62)");
        }
    }
    a.count = last.outputCount;
    a.bits = int(last.outputBits);
    a.valuesSigned = last.outputSigned;
    a.indexBits = tlmac::unsignedBitsFor(std::max<int64_t>(1, a.count - 1));
    hw.inputCount = a.count;
    hw.inputBits = a.bits;
    hw.outputCount = 1;
    hw.outputBits = a.indexBits;
    hw.outputSigned = false;
    hw.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(a.count * a.bits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, a.indexBits } };
    // A tournament of count - 1 comparators, each carrying the winner's value and index through a multiplexer.
    const int64_t comparators = std::max<int64_t>(0, a.count - 1);
    const int compared = a.valueBits ? a.valueBits : a.bits;
    hw.estimate.lut = comparators * ((compared + 1) / 2 + compared + a.indexBits);
    hw.estimate.carry = comparators * ((compared + 3) / 4);
    if (a.valueBits) // a constant multiplier per channel: about one adder per set bit of the multiplier
        for (int64_t m : a.multiplier)
            hw.estimate.lut += int64_t(__builtin_popcountll(uint64_t(std::abs(m)))) * a.valueBits;
    hw.estimate.ff = a.indexBits + 1;
    hw.cycles = 1;
    hw.interval = 1;
    hw.argmax = a;
    return hw;
}

} // namespace luthier::arch
