#pragma once
// Mapping one Dense layer onto a template: one function per template, each in its own file, all filling the
// same HwLayer fields (datapath, units, ports, cycles, interval, estimate) so mapDesign can compose any mix of
// templates behind the common layer port contract (see rtl/verilog_emitter.h).

#include "arch/hw_design.h"

#include <string>
#include <utility>
#include <vector>

namespace luthier::quant {
struct IntLayer;
struct IntFormat;
}

namespace luthier::arch {

// What every dense mapper receives: the layer, the format of the integers entering it, and its label for errors
// ("'fc1' (Dense)").
struct DenseSource {
    const quant::IntLayer& layer;
    const quant::IntFormat& input;
    std::string label;
};

// The arithmetic shared by all templates (offsets, accumulator width, comparator levels) for weights given as
// outputs x inputs. Throws luthier::Error naming the layer for inconsistent thresholds or a one-level input.
DenseArithmetic denseArithmetic(const DenseSource& source, const std::vector<int32_t>& weights, int64_t outputs,
    int64_t inputs);

// The shared arithmetic plus the weights, for the non-TLMAC templates.
DenseDatapath denseDatapath(const DenseSource& source, const MapOptions& options);

void mapTlmacDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapDspDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapShiftAddDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapUnrolledDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapLutDenseDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);
void mapLutNaDense(HwLayer& hw, const DenseSource& source, const MapOptions& options);

// LUT/FF/carry of the shared output stage (rtl/dense_outputs.h) and the output register: constant comparators
// and a count per output, or the raw scale-and-offset adder.
Resources denseOutputResources(const DenseArithmetic& d, int64_t outputs);

// LUT-Dense indexes a table by a whole input code: wider codes are refused (2^bits entries per table).
inline constexpr int kMaxLutDenseInputBits = 10;

// LUT-NA: chunks an input code is cut into (ceil(inputBits / chunkBits)).
int lutNaChunks(const DenseDatapath& d);

// Parallel templates: adder-tree levels for `terms` inputs (ceil(log2 terms)) and the pipeline stages they
// form with a register every `every` levels (0: none).
int ceilLog2(int64_t n);
int adderTreeStages(int64_t terms, int every);

// Value range [lo, hi] of a product term entering an adder tree.
using TermRange = std::pair<int64_t, int64_t>;
// LUT/FF/carry of the adder trees rtl/parallel_sum.cpp builds from per-output term ranges (same pairing: one LUT
// per result bit, registers every `every` levels, every tree as deep as the deepest).
Resources adderTreeResources(const std::vector<std::vector<TermRange>>& terms, int every);
// Finishes a parallel layer: adds the trees, output stage and input register to `products` (the product logic),
// sets estimate, cycles (latency), interval 1 and ports, and moves `d` into the layer.
void finishParallelLayer(HwLayer& hw, DenseDatapath d, const std::vector<std::vector<TermRange>>& terms,
    Resources products);

// The argmax output block after `last` (the design's last layer, lowered from `source`); throws luthier::Error
// when the integers `last` outputs do not order like the model's real outputs.
HwLayer mapArgmax(const HwLayer& last, const quant::IntLayer& source, const std::string& label);

// Sets the port contract fields and ports of a dense layer from its arithmetic (outputs values of outBits()).
void setDensePorts(HwLayer& hw, const DenseArithmetic& d, int64_t outputs);

} // namespace luthier::arch
