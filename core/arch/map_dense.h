#pragma once
// Mapping one Dense layer onto a template: one function per template, each in its own file, all filling the
// same HwLayer fields (datapath, units, ports, cycles, interval, estimate) so mapDesign can compose any mix of
// templates behind the common layer port contract (see rtl/verilog_emitter.h).

#include "arch/hw_design.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace luthier::quant {
struct IntLayer;
struct IntFormat;
} // namespace luthier::quant

namespace luthier::arch {

namespace tlmac {
struct FoldedRom;
}

// What every dense mapper receives: the layer, the format of the integers entering it, and its label for errors
// ("'fc1' (Dense)").
struct DenseSource {
    const quant::IntLayer& layer;
    const quant::IntFormat& input;
    std::string label;
};

// The arithmetic shared by all templates (offsets, accumulator width, comparator levels) for weights given as
// outputs x inputs. Throws luthier::Error naming the layer for inconsistent thresholds or a one-level input.
DenseArithmetic denseArithmetic(
    const DenseSource& source, const std::vector<int32_t>& weights, int64_t outputs, int64_t inputs);

// The shared arithmetic plus the weights, for the non-TLMAC templates.
DenseDatapath denseDatapath(const DenseSource& source, const MapOptions& options);

void mapTlmacDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapDspDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapShiftAddDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapUnrolledDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapLutDenseDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapLutNaDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapAdderGraphDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);

// LUT/FF/carry of the shared output stage (rtl/dense_outputs.h) and the output register: constant comparators
// and a count per output, or the raw scale-and-offset adder.
Resources denseOutputResources(const DenseArithmetic& d, int64_t outputs);

// The count of a requantised output from its comparison bits t_k (t_k set when S reaches level k). Levels
// ascend (quant::Thresholds), so t is a thermometer code and bit `bit` of the count is set exactly when, for one
// term, t_set is set and t_clear is not. Clamped levels are folded in: an index of -1 is a bit known to be set
// (set) or clear (clear), and a term with both -1 is constant 1; terms that can never hold are left out.
struct ThermometerTerm {
    int64_t set = -1, clear = -1;
};
std::vector<ThermometerTerm> thermometerTerms(const DenseArithmetic& d, int64_t output, int bit);

// LUT-Dense indexes a table by a whole input code: wider codes are refused (2^bits entries per table).
inline constexpr int kMaxLutDenseInputBits = 10;

// LUT-Dense: the table of pair (output o, input i) over every input code (2^inputBits entries): the learned
// table, or the exact products w * code (the input scale and offset apply after the sum). Empty for a pair
// without one (zero weight, pruned learned pair).
std::vector<int64_t> lutDenseTable(const DenseDatapath& d, int64_t o, int64_t i);

// LUT-NA: chunks an input code is cut into (ceil(inputBits / chunkBits)).
int lutNaChunks(const DenseDatapath& d);

// Parallel templates: adder-tree levels for `terms` inputs (ceil(log2 terms)) and the pipeline stages they
// form with a register every `every` levels (0: none).
int ceilLog2(int64_t n);
int adderTreeStages(int64_t terms, int every);

// One addend of a sum: value range [lo, hi], entering the sum shifted left by `shift`.
struct Addend {
    int64_t lo = 0, hi = 0;
    int shift = 0;
    uint64_t zeroBits = 0; // bit positions (before the shift) that are 0 in every value: no adder input there
};

// LUT/carry of one Verilog sum of `addends` as Yosys 0.23 builds it: two addends are one carry chain with an XOR
// LUT per column that holds two bits; more addends in one expression (a product's shifted bit-plane or chunk
// lookups) become one $macc, carry-save full adders and then one carry chain.
Resources sumResources(const std::vector<Addend>& addends);

// A product term entering an adder tree: its value range [lo, hi] and the product net it reads (terms of
// different outputs with the same `product` are the same net).
struct TreeTerm {
    int64_t lo = 0, hi = 0;
    int64_t product = 0;
};
// Product nets that are themselves one Verilog sum (LUT-NA's chunk shift-add, unrolled bit-plane shift-add): the
// addends of each, by product net.
using ProductSums = std::map<int64_t, std::vector<Addend>>;
// LUT/FF/carry of the adder trees rtl/parallel_sum.cpp builds from per-output terms (same pairing, registers
// every `every` levels, every tree as deep as the deepest), with the product sums they read. Nodes of different
// outputs that add the same nets (or register the same node) are one adder or register: opt_merge shares them.
// Yosys' alumacc then folds a sum into the adder that reads it when that adder is its only reader and has its
// width (an operand that is sign-extended is not the sum's own signal): the folded adder is one multi-operand
// $macc, costed as such, and the sum it absorbed costs nothing on its own.
Resources adderTreeResources(
    const std::vector<std::vector<TreeTerm>>& terms, int every, const ProductSums& productSums = {});

// The registers Yosys 0.23 builds around the tables. memory_dff merges the input register x into every table read
// port (its address comes straight from x), and memory_map then registers each read's data bits; x stays for the
// bits the tables read. Measured on JSC and TFC layers: the data registers are the distinct (address, bit
// function) pairs (bits of one read, or of reads of different tables on the same address, that are the same
// function are one FF; constant bits none), and each such bit that is not a bare address bit is a table LUT.
class RegisteredTableBits {
public:
    // A read of `entries` (two's complement in `width` bits) addressed by the input register bits `addressBits`
    // (LSB first; -1 for a constant 0 address bit).
    void addRead(const std::vector<int64_t>& addressBits, const std::vector<int64_t>& entries, int width);
    Resources resources(int lutInputs) const;

private:
    struct Bit {
        std::vector<int64_t> address;
        std::vector<bool> table; // the bit over every address
        auto operator<=>(const Bit&) const = default;
    };
    std::set<Bit> bits_;
    std::set<int64_t> inputBits_; // x bits read
};

// Finishes a parallel layer: the trees with their product sums, the output stage and the registered table bits
// make the estimate; sets cycles (latency), interval 1 and ports, and moves `d` into the layer.
void finishParallelLayer(HwLayer& hw, DenseDatapath d, const std::vector<std::vector<TreeTerm>>& terms,
    const RegisteredTableBits& tables, const ProductSums& productSums);

// Finishes a folded layer (DSP MAC, shift-add; rtl/folded_mac.cpp) around its P lanes, whose cost `lanes`
// holds: adds the weight ROM of `wordBits` per lane, the input case-mux and register, the registered code
// (`codeRegisterBits`, 0 where a DSP slice holds it), the output buffer, the counters and the output stage; sets
// kind, estimate, roms, cycles, interval and ports, and moves `d` into the layer.
void finishFoldedLayer(HwLayer& hw, ir::TemplateKind kind, DenseDatapath d, Resources lanes,
    const tlmac::FoldedRom& rom, int wordBits, int codeRegisterBits);

// The argmax output block after `last` (the design's last layer, lowered from `source`); throws luthier::Error
// when the integers `last` outputs do not order like the model's real outputs.
HwLayer mapArgmax(const HwLayer& last, const quant::IntLayer& source, const std::string& label);

// Sets the port contract fields and ports of a dense layer from its arithmetic (outputs values of outBits()).
void setDensePorts(HwLayer& hw, const DenseArithmetic& d, int64_t outputs);

} // namespace luthier::arch
