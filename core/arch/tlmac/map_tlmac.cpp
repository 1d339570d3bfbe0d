// TLMAC mapping of a Dense layer: the shared arithmetic around a clustered, annealed plan (arch/tlmac/plan.h),
// then the units and estimate of the RTL that rtl/emit_tlmac.cpp writes (arch/tlmac/layer_units.h).

#include "arch/map_dense.h"
#include "arch/tlmac/layer_units.h"

namespace luthier::arch {

void mapTlmacDense(HwLayer& hw, const DenseSource& source, const MapOptions& options)
{
    const tlmac::LayerWeights weights = tlmac::layerWeightsOf(source.layer);
    TlmacDatapath d;
    static_cast<DenseArithmetic&>(d) = denseArithmetic(source, weights.values, weights.outputs, weights.rowLength);
    d.inputs = weights.rowLength;
    d.plan = tlmac::planLayer(weights, options.tlmac, nullptr);
    hw.kind = ir::TemplateKind::Tlmac;
    hw.tlmac = std::move(d);
    tlmac::describeLayer(hw);
    setDensePorts(hw, *hw.tlmac, hw.tlmac->plan.outputs);
    hw.interval = hw.cycles;
}

} // namespace luthier::arch
