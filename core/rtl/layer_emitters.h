#pragma once
// One emitter per template, each in its own file (emit_<template>.cpp). Every layer module they write has the
// same ports and handshake (the contract in rtl/verilog_emitter.h), so the top composes any mix of them.

#include "arch/hw_design.h"
#include "rtl/verilog_emitter.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace luthier::rtl {

struct LayerEmission {
    std::string verilog; // the layer module
    std::vector<EmittedFile> files; // extra files (.mem ROM contents) next to it
    nlohmann::json details = nlohmann::json::object(); // template-specific manifest entries
    std::string detailsKey; // manifest key of `details` ("tlmac", "dense")
};

LayerEmission emitTlmacLayer(const arch::HwLayer& layer);
LayerEmission emitDspLayer(const arch::HwLayer& layer);
LayerEmission emitShiftAddLayer(const arch::HwLayer& layer);
LayerEmission emitUnrolledLayer(const arch::HwLayer& layer);
LayerEmission emitLutDenseLayer(const arch::HwLayer& layer);
LayerEmission emitLutNaLayer(const arch::HwLayer& layer);
LayerEmission emitAdderGraphLayer(const arch::HwLayer& layer);
LayerEmission emitArgmaxLayer(const arch::HwLayer& layer);

} // namespace luthier::rtl
