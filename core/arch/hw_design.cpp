#include "arch/hw_design.h"

#include "arch/map_dense.h"
#include "arch/map_graph.h"
#include "arch/template_choice.h"
#include "quant/int_graph.h"
#include "util/error.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace luthier::arch {

namespace {

// [A-Za-z0-9_], not starting with a digit, not empty, unique within `taken`.
std::string identifier(const std::string& raw, const std::string& fallback, std::set<std::string>& taken)
{
    std::string id;
    for (unsigned char ch : raw)
        id += std::isalnum(ch) ? char(std::tolower(ch)) : '_';
    // Collapse runs of '_' and trim them, so "/dense_1/MatMul" becomes "dense_1_matmul".
    std::string collapsed;
    for (char ch : id)
        if (ch != '_' || (!collapsed.empty() && collapsed.back() != '_')) collapsed += ch;
    while (!collapsed.empty() && collapsed.back() == '_')
        collapsed.pop_back();
    if (collapsed.size() > 48) collapsed.resize(48);
    if (collapsed.empty()) collapsed = fallback;
    if (std::isdigit(static_cast<unsigned char>(collapsed[0]))) collapsed = "l_" + collapsed;
    // Verilog-2001 keywords (lower case, as identifiers here are) cannot name a module.
    static const std::set<std::string> keywords { "always", "and", "assign", "begin", "buf", "case", "casex", "casez",
        "default", "defparam", "disable", "else", "end", "endcase", "endfunction", "endgenerate", "endmodule",
        "endtask", "event", "for", "force", "forever", "fork", "function", "generate", "genvar", "if", "initial",
        "inout", "input", "integer", "join", "localparam", "module", "nand", "negedge", "nor", "not", "or", "output",
        "parameter", "posedge", "real", "reg", "release", "repeat", "signed", "specify", "task", "time", "tri", "wait",
        "while", "wire", "xor", "xnor" };
    if (keywords.count(collapsed)) collapsed += "_l";
    std::string unique = collapsed;
    for (int n = 2; !taken.insert(unique).second; ++n)
        unique = collapsed + "_" + std::to_string(n);
    return unique;
}

bool passThrough(ir::LayerKind kind)
{
    return kind == ir::LayerKind::Flatten || kind == ir::LayerKind::Reshape || kind == ir::LayerKind::Softmax;
}

// Follows pass-through layers back to the layer whose integers they carry.
int producerOf(const quant::IntGraph& graph, int index)
{
    while (index > 0 && passThrough(graph.layers[size_t(index)].kind))
        index = graph.layers[size_t(index)].inputs.at(0);
    return index;
}

Error tablesNeedLutDense(const quant::IntLayer& layer, const std::string& label, ir::TemplateKind kind)
{
    return Error("layer " + label + " has learned LUT-Dense tables (" + layer.tables->origin
        + "), which only the lutdense template computes, but its template is set to " + std::string(toString(kind)));
}

// The raw model name of graph layer `index`, empty when the graph has no source layer for it.
std::string layerName(const quant::IntGraph& graph, int index)
{
    const auto& layer = graph.layers[size_t(index)];
    return graph.source && layer.source >= 0 && size_t(layer.source) < graph.source->layers.size()
        ? graph.source->layers[size_t(layer.source)].name
        : std::string();
}

std::string layerLabel(const quant::IntGraph& graph, int index)
{
    const std::string name = layerName(graph, index);
    return "'" + (name.empty() ? "layer " + std::to_string(index) : name) + "' ("
        + ir::toString(graph.layers[size_t(index)].kind) + ")";
}

// The layer's own template, else the design's. Learned tables are computed by LUT-Dense only, so they choose it
// unless the layer's own template says otherwise, which is an error rather than a silent fallback to weights.
ir::TemplateKind templateFor(
    const std::string& name, const quant::IntLayer& layer, const std::string& label, const MapOptions& options)
{
    const auto it = options.layerTemplates.find(name);
    if (!layer.tables) return it != options.layerTemplates.end() ? it->second : options.defaultTemplate;
    if (it != options.layerTemplates.end() && it->second != ir::TemplateKind::LutDense)
        throw tablesNeedLutDense(layer, label, it->second);
    return ir::TemplateKind::LutDense;
}

// The options layer `name` maps with: its own group size G, when the project sets one, for every template that
// groups weights (TLMAC, unrolled).
MapOptions layerOptions(const std::string& name, const MapOptions& options)
{
    const auto it = options.layerGroupSizes.find(name);
    if (it == options.layerGroupSizes.end()) return options;
    MapOptions own = options;
    own.tlmac.groupSize = it->second;
    return own;
}

// The codes entering Dense layer i, after the checks every template needs.
const quant::IntFormat& denseInputFormat(const quant::IntGraph& graph, int i, int output, const std::string& label)
{
    const quant::IntLayer& layer = graph.layers[size_t(i)];
    if (layer.inputs.size() != 1) throw Error("RTL mapping: layer " + label + " must have one input");
    const int producer = producerOf(graph, layer.inputs[0]);
    const quant::IntFormat* format = producer == 0 ? &graph.inputFormat : graph.layers[size_t(producer)].outFormat();
    if (!format)
        throw Error("RTL mapping: the input of layer " + label + " is a raw accumulator, not quantised integers");
    if (!layer.requant && i != output)
        throw Error("RTL mapping: layer " + label + " has no output quantiser but is not the model output");
    return *format;
}

// A design layer for graph layer `index` on template `kind`: its model name, a unique module name (the fallback
// when the model gives none) and instance.
HwLayer namedLayer(const quant::IntGraph& graph, int index, ir::TemplateKind kind, const std::string& fallback,
    std::set<std::string>& taken)
{
    HwLayer hw;
    hw.name = layerName(graph, index);
    hw.module = identifier(hw.name, fallback, taken);
    hw.instance = "u_" + hw.module;
    hw.kind = kind;
    hw.source = index;
    return hw;
}

// The mapper of each template (arch/map_dense.h); all fill the same HwLayer fields.
void mapOnTemplate(HwLayer& hw, const DenseSource& source, const MapOptions& designOptions)
{
    const MapOptions options = layerOptions(hw.name, designOptions);
    switch (hw.kind) {
    case ir::TemplateKind::Tlmac:
        return mapTlmacDense(hw, source, options);
    case ir::TemplateKind::Dsp:
        return mapDspDense(hw, source, options);
    case ir::TemplateKind::ShiftAdd:
        return mapShiftAddDense(hw, source, options);
    case ir::TemplateKind::Unrolled:
        return mapUnrolledDense(hw, source, options);
    case ir::TemplateKind::LutDense:
        return mapLutDenseDense(hw, source, options);
    case ir::TemplateKind::LutNa:
        return mapLutNaDense(hw, source, options);
    case ir::TemplateKind::AdderGraph:
        return mapAdderGraphDense(hw, source, options);
    }
}

// Maps a dense datapath (a Dense layer, or a conv's per-position core) on the layer's template or, under template
// auto, on the cheapest one; auto's reason goes into `notes`.
void mapDenseLayer(HwLayer& hw, const DenseSource& source, const MapOptions& options, std::vector<std::string>& notes)
{
    const bool chosen = options.chooseTemplate && !source.layer.tables && !options.layerTemplates.contains(hw.name);
    if (!chosen) return mapOnTemplate(hw, source, options);
    notes.push_back(mapCheapestTemplate(
        hw, [&](HwLayer& candidate) { mapOnTemplate(candidate, source, options); }, options.initiationInterval,
        source.label));
}

} // namespace

HwDesign mapDesign(const quant::IntGraph& graph, const MapOptions& options, Progress* progress)
{
    if (graph.layers.empty() || graph.outputs.size() != 1)
        throw Error("RTL mapping needs a graph with an input and exactly one output (it has "
            + std::to_string(graph.outputs.size()) + " outputs)");
    HwDesign design;
    design.model = graph.source ? graph.source->name : std::string("model");
    design.lutInputs = options.tlmac.lutInputs;
    std::set<std::string> taken { "top", "clk", "rst" };
    design.top = identifier(design.model, "model", taken) + "_top";
    taken.insert(design.top);

    const quant::IntFormat& in = graph.inputFormat;
    design.inputBits = in.bipolar ? 1 : 0;
    for (int64_t maxCode = in.maxInt - in.minInt; !in.bipolar && (int64_t(1) << design.inputBits) <= maxCode;)
        ++design.inputBits;
    design.inputCount = ir::elementCount(graph.layers[0].outShape);

    std::vector<int> hwOf(graph.layers.size(), -1); // IntGraph layer -> HwDesign layer producing its values
    const int output = producerOf(graph, graph.outputs[0]);
    int computeLayers = 0;
    for (size_t i = 1; i < graph.layers.size(); ++i)
        computeLayers += !passThrough(graph.layers[i].kind);
    for (size_t i = 1; i < graph.layers.size(); ++i) {
        const quant::IntLayer& layer = graph.layers[i];
        const std::string label = layerLabel(graph, int(i));
        if (passThrough(layer.kind)) {
            hwOf[i] = hwOf[size_t(layer.inputs.at(0))];
            continue;
        }
        if (isGraphLayerKind(layer.kind)) { // convolutions and data-flow blocks, inputs anywhere (arch/map_graph.h)
            HwLayer hw = namedLayer(graph, int(i), templateFor(layerName(graph, int(i)), layer, label, options),
                "layer" + std::to_string(design.layers.size()), taken);
            if (progress && layer.kind == ir::LayerKind::Conv)
                progress->report(
                    double(design.layers.size()) / double(std::max(1, computeLayers)), "planning layer " + hw.module);
            const GraphContext context { graph, hwOf, design.layers, int(design.inputBits) };
            if (!mapGraphLayer(hw, context, int(i), int(i) == output, label,
                    [&](HwLayer& h, const DenseSource& s) { mapDenseLayer(h, s, options, design.notes); })) {
                hwOf[i] = hwOf[size_t(layer.inputs.at(0))];
                continue;
            }
            if (hw.conv) hw.conv->coreModule = identifier(hw.module + "_mac", "mac", taken);
            hwOf[i] = int(design.layers.size());
            design.layers.push_back(std::move(hw));
            continue;
        }
        if (layer.kind != ir::LayerKind::Dense)
            throw Error("RTL mapping: layer " + label + " is not supported yet (supported: Dense, Conv, pooling, Add, "
                + "Concat, Transpose, Resize, Flatten, Reshape, Softmax)");
        const quant::IntFormat& format = denseInputFormat(graph, int(i), output, label);
        const int producer = producerOf(graph, layer.inputs[0]);

        HwLayer hw = namedLayer(graph, int(i), templateFor(layerName(graph, int(i)), layer, label, options),
            "layer" + std::to_string(design.layers.size()), taken);
        const int inputHw = hwOf[size_t(producer)];
        if (inputHw >= 0)
            hw.inputs.push_back(inputHw);
        else if (!design.layers.empty())
            throw Error("RTL mapping: layer " + label + " does not follow the previous layer (branches are not "
                + "supported yet)");
        if (!design.layers.empty() && inputHw != int(design.layers.size()) - 1)
            throw Error("RTL mapping: layer " + label + " does not read the previous layer's output");
        if (progress)
            progress->report(
                double(design.layers.size()) / double(std::max(1, computeLayers)), "planning layer " + hw.module);
        mapDenseLayer(hw, { layer, format, label }, options, design.notes);
        hwOf[i] = int(design.layers.size());
        design.layers.push_back(std::move(hw));
    }
    if (design.layers.empty()) throw Error("RTL mapping: the model has no Dense layer to map");
    if (hwOf[size_t(output)] != int(design.layers.size()) - 1)
        throw Error("RTL mapping: the model output is not produced by its last layer");

    if (options.argmax) {
        const HwLayer& producer = design.layers.back();
        HwLayer block = mapArgmax(producer, graph.layers[size_t(producer.source)], layerLabel(graph, producer.source));
        block.name = "argmax";
        block.module = identifier("argmax", "argmax", taken);
        block.instance = "u_" + block.module;
        block.source = producer.source;
        block.inputs = { int(design.layers.size()) - 1 };
        design.layers.push_back(std::move(block));
    }
    const HwLayer& last = design.layers.back();
    design.outputSigned = last.outputSigned;
    design.outputBits = last.outputBits;
    design.outputCount = last.outputCount;
    const HwLayer& first = design.layers.front();
    if (first.inputCount != design.inputCount)
        throw Error("RTL mapping: the first layer reads " + std::to_string(first.inputCount) + " inputs, the model has "
            + std::to_string(design.inputCount));
    design.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(design.inputCount * design.inputBits) }, { "out_valid", false, 1 },
        { "out_ready", true, 1 }, { "out_data", false, int(design.outputCount * design.outputBits) } };
    for (const HwLayer& hw : design.layers) {
        design.cycles += hw.cycles;
        design.interval = std::max(design.interval, hw.interval);
        design.estimate += hw.estimate;
    }
    if (progress) progress->report(1.0, "mapped");
    return design;
}

HwLayer mapWeightLayer(const quant::IntGraph& graph, int index, ir::TemplateKind kind, const MapOptions& options)
{
    if (index <= 0 || size_t(index) >= graph.layers.size() || graph.outputs.size() != 1)
        throw Error("RTL mapping: layer " + std::to_string(index) + " is not a layer of a one-output graph");
    const quant::IntLayer& layer = graph.layers[size_t(index)];
    const std::string label = layerLabel(graph, index);
    if (layer.kind != ir::LayerKind::Dense && layer.kind != ir::LayerKind::Conv)
        throw Error("RTL mapping: layer " + label + " has no weights to map on a template");
    if (layer.tables && kind != ir::TemplateKind::LutDense) throw tablesNeedLutDense(layer, label, kind);
    std::set<std::string> taken;
    HwLayer hw = namedLayer(graph, index, kind, "layer", taken);
    const int output = producerOf(graph, graph.outputs[0]);
    if (layer.kind == ir::LayerKind::Dense) {
        mapOnTemplate(hw, { layer, denseInputFormat(graph, index, output, label), label }, options);
        return hw;
    }
    // A conv reads its input's format and shape only, not the layer that made it: every input stands for the
    // design input here.
    const std::vector<int> designInput(graph.layers.size(), -1);
    const std::vector<HwLayer> none;
    const GraphContext context { graph, designInput, none, 1 };
    mapGraphLayer(hw, context, index, index == output, label,
        [&](HwLayer& h, const DenseSource& s) { mapOnTemplate(h, s, options); });
    return hw;
}

} // namespace luthier::arch
