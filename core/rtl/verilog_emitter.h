#pragma once
// Writes a mapped design as Verilog-2001 (DESIGN.md section 7): one module per layer, a top module, ROM
// contents as .mem files and a manifest.json. Output is a pure function of the HwDesign: the same design
// gives byte-identical files.
//
// Streaming interface of the top and of every layer module (all signals synchronous to `clk`):
//   rst                 synchronous, active high; clears the handshakes
//   in_valid / in_ready  an input vector is accepted in a cycle where both are 1
//   in_data             input codes, element i in bits [i*B +: B] (B = input code bits; unsigned codes,
//                       code = q - minInt of the input format; bipolar: 0 = -1, 1 = +1)
//   out_valid / out_ready  the output vector is held until a cycle where both are 1
//   out_data            output element o in bits [o*W +: W]: requantised codes (unsigned), or for a final
//                       layer without quantiser the raw accumulator as W-bit two's complement
// Folded layers (TLMAC, DSP, shift-add) accept a new input only after their output was taken; parallel layers
// (unrolled, LUT-Dense, LUT-NA) are pipelines that take one input per clock while out_ready stays 1. The layers
// of the top form a pipeline either way.

#include "arch/hw_design.h"

#include <filesystem>
#include <string>
#include <vector>

namespace luthier::rtl {

struct EmittedFile {
    std::string name; // relative to the design folder
    std::string contents;
};

std::string emitLayerModule(const arch::HwLayer& layer);
std::string emitTopModule(const arch::HwDesign& design);
// Every file of the design folder except test vectors: Verilog, .mem ROMs, manifest.json.
std::vector<EmittedFile> emitDesign(const arch::HwDesign& design);
// Writes the files (creating `dir`); throws luthier::Error naming the file that could not be written.
void writeFiles(const std::filesystem::path& dir, const std::vector<EmittedFile>& files);

} // namespace luthier::rtl
