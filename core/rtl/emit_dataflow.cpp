#include "rtl/emit_dataflow.h"

namespace luthier::rtl {

arch::HwLayer convDatapathLayer(const arch::HwLayer& layer)
{
    const arch::ConvGeometry& g = *layer.conv;
    // The datapath sees one window per inference: the dense layer the mapper planned.
    arch::HwLayer core = layer;
    core.conv.reset();
    core.module = g.coreModule;
    core.instance = "u_core";
    core.inputCount = g.windowSize();
    core.outputCount = g.outChannels;
    core.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(g.windowSize() * g.inputBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(g.outChannels * g.outputBits) } };
    return core;
}

LayerEmission emitDataflowLayer(const arch::HwLayer& layer, LayerEmission (*emitDense)(const arch::HwLayer&))
{
    LayerEmission e;
    if (layer.block) {
        const arch::DataBlock& b = *layer.block;
        e.verilog = emitBlockModule(layer);
        e.detailsKey = "block";
        e.details = { { "op", b.what }, { "outputs", b.outputs() }, { "outputBits", b.outputBits },
            { "accBits", b.accBits }, { "inputPorts", b.portCounts.size() } };
        return e;
    }
    const arch::ConvGeometry& g = *layer.conv;
    LayerEmission dense = emitDense(convDatapathLayer(layer));
    e.verilog = emitConvWrapper(layer) + "\n" + dense.verilog;
    e.files = std::move(dense.files);
    e.detailsKey = "conv";
    e.details = { { "input", { g.inChannels, g.inHeight, g.inWidth } },
        { "output", { g.outChannels, g.outHeight, g.outWidth } }, { "kernel", { g.kernelH, g.kernelW } },
        { "stride", { g.strideH, g.strideW } }, { "pad", { g.padTop, g.padLeft } },
        { "dilation", { g.dilationH, g.dilationW } }, { "groups", g.groups }, { "window", g.windowSize() },
        { "datapath", g.coreModule }, { dense.detailsKey.empty() ? "dense" : dense.detailsKey, dense.details } };
    return e;
}

} // namespace luthier::rtl
