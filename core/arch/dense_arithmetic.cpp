#include "arch/map_dense.h"
#include "arch/tlmac/layer_units.h"
#include "arch/tlmac/plan.h"
#include "quant/int_graph.h"
#include "util/error.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace luthier::arch {

namespace {

int64_t ceilDiv(int64_t a, int64_t b) // b > 0
{
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

} // namespace

int ceilLog2(int64_t n)
{
    int bits = 0;
    while (bits < 62 && (int64_t(1) << bits) < n)
        ++bits;
    return bits;
}

int adderTreeStages(int64_t terms, int every)
{
    return every > 0 ? ceilLog2(terms) / every : 0;
}

namespace {

// Bits an addend occupies above its shift: unsigned when it is never negative (no sign to extend).
int addendBits(const Addend& a)
{
    if (a.lo >= 0) {
        int bits = 0;
        while (bits < 62 && (int64_t(1) << bits) <= a.hi)
            ++bits;
        return bits;
    }
    return std::max(1, tlmac::signedBitsFor(a.lo, a.hi));
}

// LUTs Yosys spends on a column of `n` addend bits. Two bits: the carry chain's XOR LUT. Three: the XOR LUT takes
// the full adder's inputs too (a LUT6), plus one LUT for the chain's other operand. More: a carry-save level of
// full adders per extra bit, which abc packs at about 1.5 LUT per bit (measured on registered k-operand sums of
// w-bit codes in one expression: k = 4 -> 4.25..4.4 LUT per column, 6 -> 7.5, 8 -> 11.75).
int64_t columnLuts(int64_t n)
{
    if (n <= 1) return 0;
    if (n <= 3) return n - 1;
    return (3 * n - 2) / 2;
}

} // namespace

Resources sumResources(const std::vector<Addend>& addends)
{
    Resources r;
    if (addends.size() < 2) return r;
    int top = 0;
    for (const Addend& a : addends)
        top = std::max(top, a.shift + addendBits(a));
    // A signed addend's sign extension is a bit in every column above it; above the widest addend every column
    // holds the same sign bits, so the top column's LUT serves them all.
    for (int column = 0; column < top; ++column) {
        int64_t n = 0;
        for (const Addend& a : addends)
            n += column >= a.shift
                && (column < a.shift + addendBits(a) ? !(a.zeroBits >> (column - a.shift) & 1) : a.lo < 0);
        r.lut += columnLuts(n);
    }
    r.carry = (top + 4) / 4;
    return r;
}

namespace {

// One sum of the trees (a product sum or an adder): its operands, each an addend and the sum net it is (-1: not a
// sum), its width as declared in the RTL and whether a register holds it.
struct SumNet {
    std::vector<std::pair<Addend, int64_t>> operands;
    int width = 1;
    bool registered = false;
};

int netWidth(int64_t lo, int64_t hi)
{
    return std::max(1, tlmac::signedBitsFor(lo, hi));
}

} // namespace

Resources adderTreeResources(const std::vector<std::vector<TreeTerm>>& terms, int every, const ProductSums& productSums)
{
    size_t widest = 1;
    int64_t nextNode = 0;
    std::map<int64_t, SumNet> sums; // by net; products come first and every adder after its operands
    for (const auto& t : terms) {
        widest = std::max(widest, t.size());
        for (const TreeTerm& term : t) {
            nextNode = std::max(nextNode, term.product + 1);
            if (const auto p = productSums.find(term.product); p != productSums.end() && !sums.count(term.product)) {
                SumNet& sum = sums[term.product];
                for (const Addend& a : p->second)
                    sum.operands.push_back({ a, -1 });
                sum.width = netWidth(term.lo, term.hi);
            }
        }
    }
    const int levels = ceilLog2(int64_t(widest));
    // Tree nodes by what they compute (left net, right net or -1, registered): equal nodes are one piece of logic.
    std::map<std::tuple<int64_t, int64_t, bool>, int64_t> nodes;
    std::map<int64_t, int64_t> readers; // cells reading each net
    Resources r;
    for (const auto& output : terms) {
        std::vector<TreeTerm> level = output.empty() ? std::vector<TreeTerm> { TreeTerm { 0, 0, -1 } } : output;
        for (int depth = 1; depth <= levels; ++depth) {
            const bool registered = every > 0 && depth % every == 0;
            if (level.size() == 1 && !registered) continue;
            std::vector<TreeTerm> next;
            for (size_t k = 0; k < level.size(); k += 2) {
                const bool pair = k + 1 < level.size();
                const TreeTerm& a = level[k];
                const TreeTerm b = pair ? level[k + 1] : TreeTerm { 0, 0, -1 };
                if (!pair && !registered) {
                    next.push_back(a); // an odd node moves up unchanged
                    continue;
                }
                const auto [node, added] = nodes.emplace(std::make_tuple(a.product, b.product, registered), nextNode);
                next.push_back({ a.lo + b.lo, a.hi + b.hi, node->second });
                if (!added) continue;
                SumNet& sum = sums[nextNode++];
                sum.width = netWidth(a.lo + b.lo, a.hi + b.hi);
                sum.registered = registered;
                sum.operands.push_back({ { a.lo, a.hi, 0 }, a.product });
                ++readers[a.product];
                if (pair) {
                    sum.operands.push_back({ { b.lo, b.hi, 0 }, b.product });
                    ++readers[b.product];
                }
                if (registered) r.ff += sum.width;
            }
            level = std::move(next);
        }
        ++readers[level[0].product]; // the output stage
    }
    // alumacc's folding, in net order (operands first): an unregistered sum read by one adder of its own width
    // becomes part of that adder.
    std::map<int64_t, std::vector<Addend>> folded;
    std::set<int64_t> absorbed;
    for (const auto& [net, sum] : sums) {
        std::vector<Addend>& addends = folded[net];
        for (const auto& [addend, from] : sum.operands) {
            const auto operand = sums.find(from);
            if (sum.operands.size() >= 2 && operand != sums.end() && !operand->second.registered
                && operand->second.width == sum.width && readers[from] == 1) {
                const std::vector<Addend>& inner = folded.at(from);
                addends.insert(addends.end(), inner.begin(), inner.end());
                absorbed.insert(from);
            } else {
                addends.push_back(addend);
            }
        }
    }
    for (const auto& [net, addends] : folded)
        if (!absorbed.count(net)) r += sumResources(addends);
    return r;
}

void RegisteredTableBits::addRead(
    const std::vector<int64_t>& addressBits, const std::vector<int64_t>& entries, int width)
{
    // Constant address bits drop out: only the entries with them 0 are read, in address order.
    std::vector<int64_t> address;
    uint64_t padding = 0;
    for (size_t j = 0; j < addressBits.size(); ++j) {
        if (addressBits[j] < 0) {
            padding |= uint64_t(1) << j;
            continue;
        }
        address.push_back(addressBits[j]);
        inputBits_.insert(addressBits[j]);
    }
    for (int b = 0; b < width; ++b) {
        Bit bit { address, {} };
        for (uint64_t a = 0; a < entries.size(); ++a)
            if (!(a & padding)) bit.table.push_back((uint64_t(entries[a]) >> b & 1) != 0);
        if (std::find(bit.table.begin(), bit.table.end(), !bit.table[0]) != bit.table.end())
            bits_.insert(std::move(bit)); // constant bits are neither registered nor looked up
    }
}

Resources RegisteredTableBits::resources(int lutInputs) const
{
    Resources r;
    r.ff = int64_t(inputBits_.size());
    for (const Bit& bit : bits_) {
        ++r.ff;
        // The address bits it depends on; a bare address bit needs no LUT.
        int support = 0;
        bool bare = true;
        for (size_t j = 0; j < bit.address.size(); ++j) {
            bool depends = false, identity = true;
            for (size_t a = 0; a < bit.table.size(); ++a) {
                depends = depends || bit.table[a] != bit.table[a ^ (size_t(1) << j)];
                identity = identity && bit.table[a] == ((a >> j & 1) != 0);
            }
            support += depends;
            bare = bare && (!depends || identity);
        }
        if (!(bare && support == 1)) r.lut += int64_t(1) << std::max(0, support - lutInputs);
    }
    return r;
}

void finishParallelLayer(HwLayer& hw, DenseDatapath d, const std::vector<std::vector<TreeTerm>>& terms,
    const RegisteredTableBits& tables, const ProductSums& productSums)
{
    size_t widest = 1;
    for (const auto& t : terms)
        widest = std::max(widest, t.size());
    const int stages = adderTreeStages(int64_t(widest), d.pipelineEvery);
    Resources r = tables.resources(d.lutInputs);
    r += adderTreeResources(terms, d.pipelineEvery, productSums);
    r += denseOutputResources(d, d.outputs);
    r.ff += stages + 2; // valid bits
    hw.estimate = r;
    hw.cycles = stages + 1;
    hw.interval = 1;
    hw.accumulators.clear();
    setDensePorts(hw, d, d.outputs);
    hw.dense = std::move(d);
}

void finishFoldedLayer(HwLayer& hw, ir::TemplateKind kind, DenseDatapath d, Resources lanes,
    const tlmac::FoldedRom& rom, int wordBits, int codeRegisterBits)
{
    const int k = d.lutInputs;
    const int64_t blocks = (d.outputs + d.parallel - 1) / d.parallel, depth = blocks * d.inputs;
    Resources r = lanes;
    hw.roms = { { "weights", depth, int64_t(d.parallel) * wordBits, "", rom.luts } };
    r.lut += rom.luts + int64_t(d.inputBits) * tlmac::caseMuxLutsPerBit(d.inputs, k);
    r.bram += rom.brams;
    // Weight words (in block RAM the RAM's output register), input register, registered code.
    r.ff += rom.registerBits + d.inputs * d.inputBits + codeRegisterBits;
    if (blocks > 1) r.ff += d.outputs * d.accBits;
    const int64_t counters
        = tlmac::unsignedBitsFor(d.inputs) + tlmac::unsignedBitsFor(blocks) + tlmac::unsignedBitsFor(depth);
    r.lut += 2 * counters;
    r.ff += counters + 8;
    r += d.raw ? tlmac::rawOutputResources(d, d.outputs, k) : denseOutputResources(d, d.outputs);

    hw.kind = kind;
    hw.estimate = r;
    hw.cycles = depth + 3;
    hw.interval = depth + 5;
    setDensePorts(hw, d, d.outputs);
    hw.dense = std::move(d);
}

namespace {

// Two's complement bits of v.
int constantBits(int64_t v)
{
    return tlmac::signedBitsFor(v, v);
}

// A comparison's LUTs when it has at most two 6-bit chunks: the lookahead unit is then plain logic (a $lcu of
// width <= 2 takes no CARRY4) and abc maps the whole compare, a priority function of the bits the constant does
// not make irrelevant: `S >= K` ignores K's trailing zeros, `S <= K` its trailing ones. Each LUT after the first
// takes five more bits. (Measured on TFC's 2-level outputs of 7- to 10-bit sums: 0.85 to 1.75 LUT a compare.)
int64_t logicCompareLuts(int width, int64_t constant, bool atLeast)
{
    int ignored = 0;
    while (ignored < width && ((constant >> ignored) & 1) == (atLeast ? 0 : 1))
        ++ignored;
    const int bits = width - ignored;
    return bits <= 1 ? 0 : (bits - 1 + 4) / 5;
}

// LUT/carry of the constant comparisons of one sum as Yosys 0.23 builds them. wreduce narrows each to the
// sum's bits or the constant's, whichever is wider; techmap cmp2lcu cuts it from the MSB into 6-bit chunks,
// each an equal (P) and a greater (G) LUT driving one lookahead carry chain (CARRY4 per 4 chunks). A chunk's
// P and G depend only on the constant's bits there, so comparisons of the same sum whose constants agree on a
// chunk share those two LUTs (measured: 63 levels 31.5 apart on a 15-bit sum, 46 LUT and 63 CARRY4, exactly
// twice the distinct chunk constants, at every level count from 1 to 63).
Resources comparatorResources(int sumBits, const std::vector<int64_t>& constants, bool atLeast)
{
    constexpr int kChunk = 6;
    Resources r;
    std::set<std::tuple<int, int, int64_t>> chunks; // (width, chunk LSB, constant bits there)
    for (int64_t constant : constants) {
        const int width = std::max(sumBits, constantBits(constant));
        const int count = (width + kChunk - 1) / kChunk;
        if (count <= 2) {
            r.lut += logicCompareLuts(width, constant, atLeast);
            continue;
        }
        r.carry += (count + 3) / 4;
        for (int hi = width; hi > 0; hi -= kChunk) {
            const int lo = std::max(0, hi - kChunk);
            chunks.emplace(width, lo, (constant >> lo) & ((int64_t(1) << (hi - lo)) - 1));
        }
    }
    r.lut += 2 * int64_t(chunks.size());
    return r;
}

// LUTs abc builds for one output bit of the thermometer encoder, an OR of terms over `inputs` comparison bits:
// up to 7 inputs one LUT; wider, abc maps it delay-first into 8-input cones (LUT6 pairs under MUXF7/MUXF8) of
// about 3 LUTs each (measured on the bits of a 63- and 31-level encoder: 15 inputs 5 LUT, 31 11, 63 23).
int64_t thermometerBitLuts(int64_t inputs)
{
    if (inputs <= 1) return 0;
    if (inputs <= 7) return 1;
    return (3 * (inputs + 1) + 7) / 8 - 1;
}

} // namespace

std::vector<ThermometerTerm> thermometerTerms(const DenseArithmetic& d, int64_t output, int bit)
{
    const std::vector<int64_t>& levels = d.compareLevels[size_t(output)];
    const int64_t n = int64_t(levels.size()), step = int64_t(1) << bit;
    const int64_t never = (int64_t(1) << (d.compareBits - 1)) - 1, always = -(int64_t(1) << (d.compareBits - 1));
    // Comparison bit k: 1 when S reaches level k, 0 when it never can, -1 when it is a comparison.
    auto known = [&](int64_t k) {
        return k >= n || levels[size_t(k)] == never ? 0 : levels[size_t(k)] == always ? 1 : -1;
    };
    std::vector<ThermometerTerm> terms;
    // The count has `bit` set when it lies in [m 2^(bit+1) + 2^bit, (m + 1) 2^(bit+1)) for some m: bit
    // m 2^(bit+1) + 2^bit - 1 is set and bit (m + 1) 2^(bit+1) - 1 is not.
    for (int64_t set = step - 1; set < n; set += 2 * step) {
        const int64_t clear = set + step;
        if (known(set) == 0 || known(clear) == 1) continue;
        terms.push_back({ known(set) == 1 ? -1 : set, known(clear) == 0 ? -1 : clear });
    }
    return terms;
}

Resources denseOutputResources(const DenseArithmetic& d, int64_t outputs)
{
    Resources r;
    if (d.raw) {
        r.lut = outputs * d.rawBits;
        r.carry = outputs * ((d.rawBits + 3) / 4);
        r.ff = outputs * d.rawBits;
        return r;
    }
    const int64_t never = (int64_t(1) << (d.compareBits - 1)) - 1, always = -(int64_t(1) << (d.compareBits - 1));
    for (int64_t o = 0; o < outputs; ++o) {
        const bool atLeast = d.compareSign[size_t(o)] > 0;
        std::vector<int64_t> constants;
        for (int64_t level : d.compareLevels[size_t(o)])
            if (level != never && level != always) constants.push_back(atLeast ? level : -level);
        r += comparatorResources(d.accBits, constants, atLeast);
        for (int bit = 0; bit < d.outputBits; ++bit) {
            int64_t inputs = 0;
            bool constant = false;
            for (const ThermometerTerm& t : thermometerTerms(d, o, bit)) {
                inputs += (t.set >= 0) + (t.clear >= 0);
                constant = constant || (t.set < 0 && t.clear < 0);
            }
            r.lut += constant ? 0 : thermometerBitLuts(inputs);
        }
    }
    r.ff = outputs * d.outputBits;
    return r;
}

void setDensePorts(HwLayer& hw, const DenseArithmetic& d, int64_t outputs)
{
    hw.inputCount = d.inputs;
    hw.inputBits = d.inputBits;
    hw.outputCount = outputs;
    hw.outputBits = d.outBits();
    hw.outputSigned = d.raw;
    hw.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(d.inputs * d.inputBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(outputs * d.outBits()) } };
}

DenseArithmetic denseArithmetic(
    const DenseSource& source, const std::vector<int32_t>& weights, int64_t outputs, int64_t inputs)
{
    const quant::IntLayer& layer = source.layer;
    const quant::IntFormat& in = source.input;
    const std::string& label = source.label;
    DenseArithmetic d;
    d.inputs = inputs;
    const int64_t maxCode = in.maxCode();
    if (maxCode < 1) throw Error("layer " + label + ": its input format has a single level");
    d.inputBits = in.codeBits();
    // Learned tables hold acc's terms themselves, indexed by the code: S = acc.
    d.inputScale = in.bipolar && !layer.tables ? 2 : 1;
    const int64_t q0 = in.bipolar ? -1 : in.minInt;
    const int64_t z = layer.padValue;

    int64_t sMin = 0, sMax = 0, rawMin = 0, rawMax = 0;
    d.offset.resize(size_t(outputs));
    for (int64_t o = 0; o < outputs; ++o) {
        int64_t rowSum = 0, neg = 0, pos = 0;
        for (int64_t i = 0; i < inputs; ++i) {
            if (layer.tables) {
                const int64_t* table = layer.tables->table(o, i);
                neg += std::min<int64_t>(0, *std::min_element(table, table + maxCode + 1));
                pos += std::max<int64_t>(0, *std::max_element(table, table + maxCode + 1));
                continue;
            }
            const int64_t w = weights[size_t(o * inputs + i)];
            rowSum += w;
            (w < 0 ? neg : pos) += w * maxCode;
        }
        d.offset[size_t(o)] = (q0 - z) * rowSum;
        sMin = std::min(sMin, neg);
        sMax = std::max(sMax, pos);
        rawMin = std::min(rawMin, d.inputScale * neg + d.offset[size_t(o)]);
        rawMax = std::max(rawMax, d.inputScale * pos + d.offset[size_t(o)]);
    }
    d.accBits = std::max(2, tlmac::signedBitsFor(sMin, sMax));

    if (!layer.requant) {
        d.raw = true;
        d.rawBits = std::max(2, tlmac::signedBitsFor(rawMin, rawMax));
        return d;
    }
    const quant::Thresholds& t = *layer.requant;
    if (int64_t(t.levels.size()) != outputs || int64_t(t.direction.size()) != outputs)
        throw Error("layer " + label + ": thresholds for " + std::to_string(t.levels.size()) + " channels, "
            + std::to_string(outputs) + " outputs");
    const int64_t codes = t.out.bipolar ? 2 : t.out.maxInt - t.out.minInt + 1;
    d.outputBits = 0;
    while ((int64_t(1) << d.outputBits) < codes)
        ++d.outputBits;
    d.outputBits = std::max(1, d.outputBits);
    d.compareBits = d.accBits + 1;
    const int64_t hi = (int64_t(1) << (d.compareBits - 1)) - 1, lo = -(int64_t(1) << (d.compareBits - 1));
    for (const auto& l : t.levels)
        d.thresholdsPerOutput = std::max(d.thresholdsPerOutput, int(l.size()));
    d.compareSign.resize(size_t(outputs));
    d.compareLevels.resize(size_t(outputs));
    for (int64_t o = 0; o < outputs; ++o) {
        // acc = m S + f.  dir +1: acc >= L <=> S >= ceil((L - f) / m).  dir -1: -acc >= L <=> -S >= ceil((L + f) / m).
        const int sign = t.direction[size_t(o)] < 0 ? -1 : 1;
        d.compareSign[size_t(o)] = int8_t(sign);
        auto& levels = d.compareLevels[size_t(o)];
        for (int64_t level : t.levels[size_t(o)]) {
            const int64_t f = d.offset[size_t(o)];
            const int64_t v = ceilDiv(sign > 0 ? level - f : level + f, d.inputScale);
            levels.push_back(std::clamp(v, lo, hi));
        }
        levels.resize(size_t(d.thresholdsPerOutput), hi); // never reached: the count stays
    }
    return d;
}

DenseDatapath denseDatapath(const DenseSource& source, const MapOptions& options)
{
    const tlmac::LayerWeights w = tlmac::layerWeightsOf(source.layer);
    if (w.rows != 1)
        throw Error("layer " + source.label + ": a dense template needs a {outputs, inputs} weight matrix");
    DenseDatapath d;
    static_cast<DenseArithmetic&>(d) = denseArithmetic(source, w.values, w.outputs, w.rowLength);
    d.outputs = w.outputs;
    d.weights = w.values;
    int32_t lo = 0, hi = 0;
    for (int32_t v : w.values)
        lo = std::min(lo, v), hi = std::max(hi, v);
    d.weightBits = std::max(1, tlmac::signedBitsFor(lo, hi));
    d.lutInputs = options.tlmac.lutInputs;
    d.tables = source.layer.tables;
    return d;
}

} // namespace luthier::arch
