#include "rtl/verilog_emitter.h"

#include "rtl/emit_dataflow.h"
#include "rtl/layer_emitters.h"
#include "rtl/verilog_text.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/text_stream.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

namespace luthier::rtl {

namespace {

LayerEmission emitLayer(const arch::HwLayer& layer)
{
    if (layer.conv || layer.block) // rtl/emit_dataflow.h; a conv's datapath comes back here
        return emitDataflowLayer(layer, emitLayer);
    if (layer.tlmac) return emitTlmacLayer(layer);
    if (layer.argmax) return emitArgmaxLayer(layer);
    if (layer.dense) {
        switch (layer.kind) {
        case ir::TemplateKind::Dsp:
            return emitDspLayer(layer);
        case ir::TemplateKind::ShiftAdd:
            return emitShiftAddLayer(layer);
        case ir::TemplateKind::Unrolled:
            return emitUnrolledLayer(layer);
        case ir::TemplateKind::LutDense:
            return emitLutDenseLayer(layer);
        case ir::TemplateKind::LutNa:
            return emitLutNaLayer(layer);
        case ir::TemplateKind::AdderGraph:
            return emitAdderGraphLayer(layer);
        default:
            break;
        }
    }
    throw Error("RTL emission: layer '" + layer.name + "' has no datapath for the "
        + std::string(ir::toString(layer.kind)) + " template");
}

// arch names each module after its layer and steers clear of Verilog-2001's keywords, but the tools read
// Verilog-2005 and SystemVerilog, which reserve more: a layer called "wor", "table" or "logic" gave RTL that
// no tool accepts (issue 29). Such a module gets "_l" appended, as arch does, unique within the design.
std::optional<arch::HwDesign> withLegalModuleNames(const arch::HwDesign& design)
{
    bool reserved = false;
    for (const auto& layer : design.layers)
        reserved = reserved || isReservedWord(layer.module);
    if (!reserved) return std::nullopt;
    std::set<std::string> taken { design.top };
    for (const auto& layer : design.layers) {
        taken.insert(layer.module);
        if (layer.conv) taken.insert(layer.conv->coreModule);
    }
    arch::HwDesign renamed = design;
    for (auto& layer : renamed.layers) {
        if (!isReservedWord(layer.module)) continue;
        std::string name = layer.module + "_l";
        for (int n = 2; taken.count(name); ++n)
            name = layer.module + "_l" + std::to_string(n);
        taken.insert(name);
        layer.module = name;
    }
    return renamed;
}

} // namespace

std::string emitLayerModule(const arch::HwLayer& layer)
{
    return emitLayer(layer).verilog;
}

std::string emitTopModule(const arch::HwDesign& design)
{
    util::TextStream v;
    v.exceptions(std::ios::badbit); // out of memory is an error, never a silently shortened module
    std::string templates;
    for (ir::TemplateKind kind : ir::kAllTemplates)
        for (const auto& layer : design.layers)
            if ((layer.tlmac || layer.dense) && layer.kind == kind) {
                templates += (templates.empty() ? "" : ", ") + std::string(ir::toString(kind));
                break;
            }
    v << "// " << design.top << ": model '" << commentText(design.model) << "' compiled by Luthier (" << templates
      << ").\n";
    v << "// Estimate: " << describeEstimate(design.estimate) << "; latency " << design.cycles
      << " cycles, a new inference every " << design.interval
      << " cycles (layers pipelined; the slowest layer sets the interval).\n//\n";
    v << "// Streaming interface (synchronous to clk, rst synchronous active high):\n"
      << "//   in_valid/in_ready: an input vector is taken in a cycle where both are 1.\n"
      << "//   in_data: " << design.inputCount << " input codes of " << design.inputBits
      << " bits, element i in bits [i*" << design.inputBits << " +: " << design.inputBits
      << "] (code = q - minInt of the input format; bipolar 0 = -1, 1 = +1).\n"
      << "//   out_valid/out_ready: the output vector is held until a cycle where both are 1.\n"
      << "//   out_data: " << design.outputCount << " outputs of " << design.outputBits
      << " bits, element o in bits [o*" << design.outputBits << " +: " << design.outputBits << "], "
      << (design.outputSigned ? "raw accumulators (two's complement)" : "requantised codes") << ".\n";
    v << "module " << design.top << " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
      << "    output wire in_ready,\n    input wire [" << design.inputCount * design.inputBits - 1 << ":0] in_data,\n"
      << "    output wire out_valid,\n    input wire out_ready,\n    output wire ["
      << design.outputCount * design.outputBits - 1 << ":0] out_data\n);\n";
    const size_t n = design.layers.size();
    for (size_t i = 0; i <= n; ++i) {
        const int64_t width = i == 0 ? design.inputCount * design.inputBits
                                     : design.layers[i - 1].outputCount * design.layers[i - 1].outputBits;
        v << "    wire v" << i << ", r" << i << ";\n    wire [" << width - 1 << ":0] d" << i << ";\n";
    }
    v << "    assign v0 = in_valid;\n    assign in_ready = r0;\n    assign d0 = in_data;\n";
    v << "    assign out_valid = v" << n << ";\n    assign r" << n << " = out_ready;\n    assign out_data = d" << n
      << ";\n\n";
    for (size_t i = 0; i < n; ++i) {
        const auto& layer = design.layers[i];
        v << "    " << layer.module << " " << layer.instance << " (\n        .clk(clk),\n        .rst(rst),\n"
          << "        .in_valid(v" << i << "),\n        .in_ready(r" << i << "),\n        .in_data(d" << i << "),\n"
          << "        .out_valid(v" << i + 1 << "),\n        .out_ready(r" << i + 1 << "),\n        .out_data(d"
          << i + 1 << ")\n    );\n";
    }
    v << "endmodule\n";
    return v.str();
}

std::vector<EmittedFile> emitDesign(const arch::HwDesign& original)
{
    const std::optional<arch::HwDesign> renamed = withLegalModuleNames(original);
    const arch::HwDesign& design = renamed ? *renamed : original;
    std::vector<EmittedFile> files;
    nlohmann::json layers = nlohmann::json::array();
    nlohmann::json fileList = nlohmann::json::array();
    for (const auto& layer : design.layers) {
        LayerEmission e = emitLayer(layer);
        files.push_back({ layer.module + ".v", std::move(e.verilog) });
        fileList.push_back(layer.module + ".v");
        for (auto& file : e.files) {
            fileList.push_back(file.name);
            files.push_back(std::move(file));
        }
        nlohmann::json ports = nlohmann::json::array();
        for (const auto& port : layer.ports)
            ports.push_back(
                { { "name", port.name }, { "direction", port.input ? "input" : "output" }, { "width", port.width } });
        layers.push_back({ { "name", layer.name }, { "module", layer.module }, { "instance", layer.instance },
            { "template", layer.argmax ? std::string("argmax") : std::string(ir::toString(layer.kind)) },
            { "resources",
                { { "lut", layer.estimate.lut }, { "ff", layer.estimate.ff }, { "carry", layer.estimate.carry },
                    { "dsp", layer.estimate.dsp }, { "bram", layer.estimate.bram } } },
            { "cycles", layer.cycles }, { "interval", layer.interval }, { "ports", ports },
            { e.detailsKey, e.details } });
    }
    files.push_back({ design.top + ".v", needsGraphTop(design) ? emitGraphTop(design) : emitTopModule(design) });
    fileList.push_back(design.top + ".v");

    nlohmann::json ports = nlohmann::json::array();
    for (const auto& port : design.ports)
        ports.push_back(
            { { "name", port.name }, { "direction", port.input ? "input" : "output" }, { "width", port.width } });
    nlohmann::json manifest = {
        { "format", "luthier-design" },
        { "version", 1 },
        { "model", design.model },
        { "top", design.top },
        { "clock", "clk" },
        { "reset", "rst" },
        { "lutInputs", design.lutInputs },
        { "ports", ports },
        { "files", fileList },
        { "layers", layers },
        { "input", { { "count", design.inputCount }, { "bits", design.inputBits } } },
        { "output",
            { { "count", design.outputCount }, { "bits", design.outputBits }, { "signed", design.outputSigned } } },
        { "cycles", design.cycles },
        { "interval", design.interval },
        { "resources",
            { { "lut", design.estimate.lut }, { "ff", design.estimate.ff }, { "carry", design.estimate.carry },
                { "dsp", design.estimate.dsp }, { "bram", design.estimate.bram } } },
        { "notes", design.notes },
    };
    files.push_back({ "manifest.json", util::dumpJson(manifest, 2) + "\n" });
    return files;
}

void writeFiles(const std::filesystem::path& dir, const std::vector<EmittedFile>& files)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error("cannot create the design folder " + dir.string() + ": " + ec.message());
    for (const auto& file : files)
        util::writeFileAtomic(dir / file.name, file.contents);
}

} // namespace luthier::rtl
