#include "arch/cost/cost.h"
#include "arch/tlmac/plan.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace luthier::arch::cost {

int ceilLog2(int64_t n)
{
    int bits = 0;
    while (bits < 63 && (int64_t(1) << bits) < n)
        ++bits;
    return bits;
}

int accumulatorBits(const CostInput& in)
{
    return in.weightBits + in.activationBits + ceilLog2(in.fanIn);
}

int64_t tableLuts(int addressBits, int dataBits, int lutInputs)
{
    // A K-input LUT is one output bit of a 2^K-entry table; larger tables take 2^(m-K) LUTs per bit (the wide
    // multiplexers F7/F8 that join them are free on Xilinx slices).
    const int extra = std::max(0, addressBits - lutInputs);
    return int64_t(dataBits) << std::min(extra, 40);
}

int64_t muxLuts(int64_t fanIn, int lutInputs)
{
    // The same multiplexer tree the TLMAC emitter builds (LUT6 leaves, free MUXF7/F8), so estimate and RTL agree.
    return tlmac::muxLutsPerBit(fanIn, lutInputs);
}

int64_t romLuts(int64_t depth, int64_t width, int lutInputs)
{
    if (depth <= 0 || width <= 0) return 0;
    const int64_t entries = int64_t(1) << lutInputs;
    return width * ((depth + entries - 1) / entries);
}

int64_t adderTreeLuts(int64_t inputs, int inputBits, int maxBits)
{
    int64_t luts = 0;
    int width = inputBits;
    for (int64_t n = inputs; n > 1;) {
        const int64_t pairs = n / 2;
        width = std::min(width + 1, maxBits);
        luts += pairs * width;
        n -= pairs;
    }
    return luts;
}

bool productOnDsp(int weightBits, int inputBits, int lutInputs)
{
    return lutInputs > 4 && weightBits + inputBits + 1 >= kDspMinProductBits;
}

int64_t multiplierLuts(int weightBits, int inputBits, int lutInputs)
{
    const int64_t bits = int64_t(weightBits) * inputBits;
    if (lutInputs > 4) return bits;
    // synth_ice40 builds about 2 LUT4 per partial-product bit up to 5-bit weights (or codes under 4 bits), and
    // about 2.45 from 6-bit weights on (measured: 5x5 52, 6x6 86, 7x7 123, 8x8 158, 6x4 59, 8x4 76 LUT4).
    return weightBits >= 6 && inputBits >= 4 ? (49 * bits + 19) / 20 : 2 * bits;
}

double bram36(int64_t bits)
{
    if (bits <= 0) return 0.0;
    constexpr int64_t kBram18 = 18 * 1024;
    return double((bits + kBram18 - 1) / kBram18) / 2.0;
}

void addMemory(Cost& cost, int64_t bits, int lutInputs)
{
    if (bits <= 0) return;
    const int64_t perLut = int64_t(1) << lutInputs;
    if (bits <= 16 * perLut)
        cost.lut += (bits + perLut - 1) / perLut;
    else
        cost.bram += bram36(bits);
}

Cost unavailableCost(ir::TemplateKind kind, std::string why)
{
    Cost c;
    c.kind = kind;
    c.available = false;
    c.formula = std::move(why);
    return c;
}

namespace {

struct TemplateCostModel {
    ir::TemplateKind kind;
    Cost (*cost)(const CostInput&);
};
constexpr TemplateCostModel kCostModels[] = { { ir::TemplateKind::Tlmac, tlmacCost },
    { ir::TemplateKind::Unrolled, unrolledCost }, { ir::TemplateKind::LutDense, lutDenseCost },
    { ir::TemplateKind::ShiftAdd, shiftAddCost }, { ir::TemplateKind::LutNa, lutNaCost },
    { ir::TemplateKind::Dsp, dspCost }, { ir::TemplateKind::AdderGraph, adderGraphCost } };
static_assert(std::size(kCostModels) == std::size(ir::kAllTemplates), "every template needs its cost model");

} // namespace

Cost estimate(ir::TemplateKind kind, const CostInput& in)
{
    for (const TemplateCostModel& model : kCostModels)
        if (model.kind == kind) return model.cost(in);
    return Cost {};
}

std::vector<Cost> estimateAll(const CostInput& in)
{
    std::vector<Cost> costs;
    for (ir::TemplateKind kind : ir::kAllTemplates)
        costs.push_back(estimate(kind, in));
    return costs;
}

} // namespace luthier::arch::cost
