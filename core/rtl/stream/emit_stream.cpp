#include "rtl/stream/emit_stream.h"

#include "rtl/emit_dataflow.h"
#include "rtl/verilog_text.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/text_stream.h"

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace luthier::rtl::stream {

namespace {

using arch::stream::Order;
using arch::stream::PixelStream;
using arch::stream::StreamKind;

nlohmann::json streamJson(const PixelStream& s)
{
    return { { "height", s.height }, { "width", s.width }, { "channels", s.channels }, { "bits", s.bits },
        { "order", s.order == Order::ChannelsFirst ? "channels_first" : "channels_last" } };
}

nlohmann::json resourcesJson(const arch::Resources& r)
{
    return { { "lut", r.lut }, { "ff", r.ff }, { "carry", r.carry }, { "dsp", r.dsp }, { "bram", r.bram } };
}

nlohmann::json portsJson(const std::vector<arch::Port>& ports)
{
    nlohmann::json j = nlohmann::json::array();
    for (const auto& port : ports)
        j.push_back(
            { { "name", port.name }, { "direction", port.input ? "input" : "output" }, { "width", port.width } });
    return j;
}

std::vector<arch::Port> beatPorts(int64_t inBits, int64_t outBits)
{
    return { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(inBits) }, { "out_valid", false, 1 }, { "out_ready", true, 1 },
        { "out_data", false, int(outBits) } };
}

// Module names of the FIFOs in front of each layer's inputs ("" where there is none), unique in the design.
std::vector<std::vector<std::string>> fifoNames(const arch::HwDesign& design, const arch::stream::StreamPlan& plan)
{
    std::set<std::string> taken { design.top };
    for (const arch::HwLayer& layer : design.layers) {
        taken.insert(layer.module);
        if (layer.conv) taken.insert(layer.conv->coreModule);
    }
    std::vector<std::vector<std::string>> names(design.layers.size());
    for (size_t i = 0; i < design.layers.size(); ++i)
        for (size_t j = 0; j < plan.layers[i].fifoDepth.size(); ++j) {
            std::string name;
            if (plan.layers[i].fifoDepth[j] > 0) {
                const std::string base = design.layers[i].module + "_fifo" + std::to_string(j);
                name = base;
                for (int n = 2; !taken.insert(name).second; ++n)
                    name = base + "_" + std::to_string(n);
            }
            names[i].push_back(name);
        }
    return names;
}

// The top: the graph top of whole-vector designs (rtl/emit_dataflow.h) routes beats as it routes vectors, so it
// is emitted for a copy of the design whose ports are one beat wide, with each join FIFO as a layer of its own
// between the producer and the join.
std::string streamTop(const arch::HwDesign& design, const arch::stream::StreamPlan& plan,
    const std::vector<std::vector<std::string>>& fifoModules)
{
    arch::HwDesign beats = design;
    beats.inputCount = plan.input.channels;
    beats.inputBits = plan.input.bits;
    beats.outputCount = plan.output.channels;
    beats.outputBits = plan.output.bits;
    beats.layers.clear();
    std::vector<int> moved(design.layers.size()); // design layer -> its index in `beats`
    for (size_t i = 0; i < design.layers.size(); ++i) {
        arch::HwLayer layer = design.layers[i];
        for (size_t j = 0; j < layer.inputs.size(); ++j) {
            const int source = moved[size_t(layer.inputs[j])];
            layer.inputs[j] = source;
            if (j >= fifoModules[i].size() || fifoModules[i][j].empty()) continue;
            arch::HwLayer fifo;
            fifo.module = fifoModules[i][j];
            fifo.instance = "u_" + fifo.module;
            fifo.inputs = { source };
            const int64_t width = plan.layers[size_t(design.layers[i].inputs[j])].out.beatBits();
            fifo.ports = beatPorts(width, width);
            layer.inputs[j] = int(beats.layers.size());
            beats.layers.push_back(std::move(fifo));
        }
        layer.ports = beatPorts(plan.layers[i].inBeatBits(), plan.layers[i].out.beatBits());
        moved[i] = int(beats.layers.size());
        beats.layers.push_back(std::move(layer));
    }
    util::TextStream v;
    v << "// Streaming design: every port below carries one pixel per beat in raster order (all channels of the\n"
      << "// pixel, channel c in bits [c*B +: B]); a frame is " << plan.input.pixels() << " input beats and "
      << plan.output.pixels() << " output beats. The slowest layer, " << design.layers[size_t(plan.bottleneck)].module
      << ", needs " << plan.frameCycles << " cycles per frame.\n";
    return v.str() + emitGraphTop(beats);
}

} // namespace

std::vector<EmittedFile> emitStreamDesign(const arch::HwDesign& design, const arch::stream::StreamPlan& plan)
{
    if (plan.layers.size() != design.layers.size() || plan.bottleneck < 0)
        throw Error("streaming RTL: the plan has " + std::to_string(plan.layers.size()) + " layers, the design "
            + std::to_string(design.layers.size()));
    const std::vector<std::vector<std::string>> fifoModules = fifoNames(design, plan);
    std::vector<EmittedFile> files;
    nlohmann::json layers = nlohmann::json::array(), fileList = nlohmann::json::array();
    arch::Resources total;
    for (size_t i = 0; i < design.layers.size(); ++i) {
        const arch::HwLayer& layer = design.layers[i];
        const arch::stream::StreamLayer& s = plan.layers[i];
        std::string verilog;
        // Still the mapper's figure (its folded whole-map buffers included) plus the streaming wrapper's: the
        // mapper does not yet cost the streaming form itself.
        arch::Resources estimate = layer.estimate;
        estimate += s.estimate;
        nlohmann::json details = { { "in", streamJson(s.in) }, { "out", streamJson(s.out) },
            { "cyclesPerFrame", s.cyclesPerFrame }, { "wrapper", resourcesJson(s.estimate) } };
        if (s.lineBufferRows > 0)
            details["lineBuffer"] = { { "rows", s.lineBufferRows }, { "bits", s.lineBufferBits },
                { "memory", s.lineBufferInBram ? "bram" : "lutram" } };
        switch (s.kind) {
        case StreamKind::Conv:
            verilog = emitStreamWindow(layer, s) + "\n" + emitLayerModule(convDatapathLayer(layer));
            details["datapath"] = layer.conv->coreModule;
            details["datapathCycles"] = s.datapathCycles;
            break;
        case StreamKind::MaxPool:
        case StreamKind::AvgPool:
            verilog = emitStreamWindow(layer, s);
            break;
        case StreamKind::Add:
            verilog = emitStreamAdd(layer, s);
            break;
        case StreamKind::GlobalAvgPool:
            verilog = emitStreamGlobalPool(layer, s);
            break;
        case StreamKind::Frame:
            verilog = emitStreamFrame(layer, s);
            details["whole"] = layer.module + "_whole";
            break;
        case StreamKind::Resize:
            verilog = emitStreamResize(layer, s);
            break;
        case StreamKind::Layout:
        case StreamKind::Concat:
            verilog = emitStreamPass(layer, s);
            break;
        }
        // A join's FIFOs live in its file: they exist for it.
        for (size_t j = 0; j < s.fifoDepth.size(); ++j)
            if (s.fifoDepth[j] > 0)
                verilog += "\n"
                    + emitStreamFifo(
                        fifoModules[i][j], s.fifoDepth[j], plan.layers[size_t(layer.inputs[j])].out.beatBits());
        if (!s.fifoDepth.empty()) details["fifoDepth"] = s.fifoDepth;
        total += estimate;
        files.push_back({ layer.module + ".v", std::move(verilog) });
        fileList.push_back(layer.module + ".v");
        layers.push_back({ { "name", layer.name }, { "module", layer.module }, { "instance", layer.instance },
            { "template", std::string(ir::toString(layer.kind)) }, { "resources", resourcesJson(estimate) },
            { "cycles", s.cyclesPerFrame }, { "interval", s.cyclesPerFrame },
            { "ports", portsJson(beatPorts(s.inBeatBits(), s.out.beatBits())) }, { "stream", details } });
    }
    files.push_back({ design.top + ".v", streamTop(design, plan, fifoModules) });
    fileList.push_back(design.top + ".v");

    const nlohmann::json manifest = {
        { "format", "luthier-design" },
        { "version", 1 },
        { "model", design.model },
        { "top", design.top },
        { "clock", "clk" },
        { "reset", "rst" },
        { "lutInputs", design.lutInputs },
        { "ports", portsJson(beatPorts(plan.input.beatBits(), plan.output.beatBits())) },
        { "files", fileList },
        { "layers", layers },
        // The vectors stay whole frames (C order of the model's input and output); "stream" maps beats onto them.
        { "input", { { "count", design.inputCount }, { "bits", design.inputBits } } },
        { "output",
            { { "count", design.outputCount }, { "bits", design.outputBits }, { "signed", design.outputSigned } } },
        { "stream",
            { { "input", streamJson(plan.input) }, { "output", streamJson(plan.output) },
                { "frameCycles", plan.frameCycles },
                { "bottleneck", design.layers[size_t(plan.bottleneck)].module } } },
        { "cycles", plan.frameCycles },
        { "interval", plan.frameCycles },
        { "resources", resourcesJson(total) },
        { "notes", design.notes },
    };
    files.push_back({ "manifest.json", util::dumpJson(manifest, 2) + "\n" });
    return files;
}

} // namespace luthier::rtl::stream
