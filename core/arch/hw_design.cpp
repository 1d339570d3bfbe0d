#include "arch/hw_design.h"

#include "arch/tlmac/layer_units.h"
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
        if (ch != '_' || (!collapsed.empty() && collapsed.back() != '_'))
            collapsed += ch;
    while (!collapsed.empty() && collapsed.back() == '_')
        collapsed.pop_back();
    if (collapsed.size() > 48)
        collapsed.resize(48);
    if (collapsed.empty())
        collapsed = fallback;
    if (std::isdigit(static_cast<unsigned char>(collapsed[0])))
        collapsed = "l_" + collapsed;
    // Verilog-2001 keywords (lower case, as identifiers here are) cannot name a module.
    static const std::set<std::string> keywords { "always", "and", "assign", "begin", "buf", "case", "casex",
        "casez", "default", "defparam", "disable", "else", "end", "endcase", "endfunction", "endgenerate",
        "endmodule", "endtask", "event", "for", "force", "forever", "fork", "function", "generate", "genvar", "if",
        "initial", "inout", "input", "integer", "join", "localparam", "module", "nand", "negedge", "nor", "not",
        "or", "output", "parameter", "posedge", "real", "reg", "release", "repeat", "signed", "specify", "task",
        "time", "tri", "wait", "while", "wire", "xor", "xnor" };
    if (keywords.count(collapsed))
        collapsed += "_l";
    std::string unique = collapsed;
    for (int n = 2; !taken.insert(unique).second; ++n)
        unique = collapsed + "_" + std::to_string(n);
    return unique;
}

int64_t ceilDiv(int64_t a, int64_t b) // b > 0
{
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
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

std::string layerLabel(const quant::IntGraph& graph, int index)
{
    const auto& layer = graph.layers[size_t(index)];
    std::string name = graph.source && layer.source >= 0 && size_t(layer.source) < graph.source->layers.size()
        ? graph.source->layers[size_t(layer.source)].name
        : "layer " + std::to_string(index);
    return "'" + name + "' (" + ir::toString(layer.kind) + ")";
}

TlmacDatapath mapDense(const quant::IntLayer& layer, const quant::IntFormat& in, const MapOptions& options,
    const std::string& label, Progress* progress)
{
    TlmacDatapath d;
    const tlmac::LayerWeights weights = tlmac::layerWeightsOf(layer);
    d.plan = tlmac::planLayer(weights, options.tlmac, progress);
    d.inputs = weights.rowLength;
    const int64_t maxCode = in.bipolar ? 1 : in.maxInt - in.minInt;
    if (maxCode < 1)
        throw Error("layer " + label + ": its input format has a single level");
    d.inputBits = 0;
    while ((int64_t(1) << d.inputBits) <= maxCode)
        ++d.inputBits;
    d.inputScale = in.bipolar ? 2 : 1;
    const int64_t q0 = in.bipolar ? -1 : in.minInt;
    const int64_t z = layer.padValue;

    const int64_t outputs = weights.outputs;
    int64_t sMin = 0, sMax = 0, rawMin = 0, rawMax = 0;
    d.offset.resize(size_t(outputs));
    for (int64_t o = 0; o < outputs; ++o) {
        int64_t rowSum = 0, neg = 0, pos = 0;
        for (int64_t i = 0; i < d.inputs; ++i) {
            const int64_t w = weights.values[size_t(o * d.inputs + i)];
            rowSum += w;
            (w < 0 ? neg : pos) += w * maxCode;
        }
        d.offset[size_t(o)] = (q0 - z) * rowSum;
        sMin = std::min(sMin, neg);
        sMax = std::max(sMax, pos);
        rawMin = std::min(rawMin, d.inputScale * neg + d.offset[size_t(o)]);
        rawMax = std::max(rawMax, d.inputScale * pos + d.offset[size_t(o)]);
    }
    d.accBits = std::max(2, tlmac::signedBitsFor(sMin, sMax));

    if (!layer.requant) {
        d.raw = true;
        d.rawBits = std::max(2, tlmac::signedBitsFor(rawMin, rawMax));
        return d;
    }
    const quant::Thresholds& t = *layer.requant;
    if (int64_t(t.levels.size()) != outputs || int64_t(t.direction.size()) != outputs)
        throw Error("layer " + label + ": thresholds for " + std::to_string(t.levels.size()) + " channels, "
            + std::to_string(outputs) + " outputs");
    const int64_t codes = t.out.bipolar ? 2 : t.out.maxInt - t.out.minInt + 1;
    d.outputBits = 0;
    while ((int64_t(1) << d.outputBits) < codes)
        ++d.outputBits;
    d.outputBits = std::max(1, d.outputBits);
    d.compareBits = d.accBits + 1;
    const int64_t hi = (int64_t(1) << (d.compareBits - 1)) - 1, lo = -(int64_t(1) << (d.compareBits - 1));
    for (const auto& l : t.levels)
        d.thresholdsPerOutput = std::max(d.thresholdsPerOutput, int(l.size()));
    d.compareSign.resize(size_t(outputs));
    d.compareLevels.resize(size_t(outputs));
    for (int64_t o = 0; o < outputs; ++o) {
        // acc = m S + f.  dir +1: acc >= L <=> S >= ceil((L - f) / m).  dir -1: -acc >= L <=> -S >= ceil((L + f) / m).
        const int sign = t.direction[size_t(o)] < 0 ? -1 : 1;
        d.compareSign[size_t(o)] = int8_t(sign);
        auto& levels = d.compareLevels[size_t(o)];
        for (int64_t level : t.levels[size_t(o)]) {
            const int64_t f = d.offset[size_t(o)];
            const int64_t v = ceilDiv(sign > 0 ? level - f : level + f, d.inputScale);
            levels.push_back(std::clamp(v, lo, hi));
        }
        levels.resize(size_t(d.thresholdsPerOutput), hi); // never reached: the count stays
    }
    return d;
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
        computeLayers += graph.layers[i].kind == ir::LayerKind::Dense;
    for (size_t i = 1; i < graph.layers.size(); ++i) {
        const quant::IntLayer& layer = graph.layers[i];
        const std::string label = layerLabel(graph, int(i));
        if (passThrough(layer.kind)) {
            hwOf[i] = hwOf[size_t(layer.inputs.at(0))];
            continue;
        }
        if (layer.kind != ir::LayerKind::Dense)
            throw Error("RTL mapping: layer " + label + " is not supported yet (supported: Dense, Flatten, Reshape, "
                + "Softmax)");
        if (layer.inputs.size() != 1)
            throw Error("RTL mapping: layer " + label + " must have one input");
        const int producer = producerOf(graph, layer.inputs[0]);
        const quant::IntFormat* format = producer == 0 ? &graph.inputFormat : graph.layers[size_t(producer)].outFormat();
        if (!format)
            throw Error("RTL mapping: the input of layer " + label + " is a raw accumulator, not quantised integers");
        if (!layer.requant && int(i) != output)
            throw Error("RTL mapping: layer " + label + " has no output quantiser but is not the model output");

        HwLayer hw;
        hw.name = graph.source && layer.source >= 0 ? graph.source->layers[size_t(layer.source)].name : "";
        hw.module = identifier(hw.name, "layer" + std::to_string(design.layers.size()), taken);
        hw.instance = "u_" + hw.module;
        hw.kind = TemplateKind::Tlmac;
        hw.source = int(i);
        const int inputHw = hwOf[size_t(producer)];
        if (inputHw >= 0)
            hw.inputs.push_back(inputHw);
        else if (!design.layers.empty())
            throw Error("RTL mapping: layer " + label + " does not follow the previous layer (branches are not "
                + "supported yet)");
        if (!design.layers.empty() && inputHw != int(design.layers.size()) - 1)
            throw Error("RTL mapping: layer " + label + " does not read the previous layer's output");
        if (progress)
            progress->report(double(design.layers.size()) / double(std::max(1, computeLayers)),
                "planning layer " + hw.module);
        hw.tlmac = mapDense(layer, *format, options, label, nullptr);
        tlmac::describeLayer(hw);
        hwOf[i] = int(design.layers.size());
        design.layers.push_back(std::move(hw));
    }
    if (design.layers.empty())
        throw Error("RTL mapping: the model has no Dense layer to map");
    if (hwOf[size_t(output)] != int(design.layers.size()) - 1)
        throw Error("RTL mapping: the model output is not produced by its last layer");

    const TlmacDatapath& last = *design.layers.back().tlmac;
    design.outputCount = last.plan.outputs;
    design.outputSigned = last.raw;
    design.outputBits = last.raw ? last.rawBits : last.outputBits;
    const TlmacDatapath& first = *design.layers.front().tlmac;
    if (first.inputs != design.inputCount)
        throw Error("RTL mapping: the first layer reads " + std::to_string(first.inputs) + " inputs, the model has "
            + std::to_string(design.inputCount));
    design.ports = { { "clk", true, 1 }, { "rst", true, 1 }, { "in_valid", true, 1 }, { "in_ready", false, 1 },
        { "in_data", true, int(design.inputCount * design.inputBits) }, { "out_valid", false, 1 },
        { "out_ready", true, 1 }, { "out_data", false, int(design.outputCount * design.outputBits) } };
    for (const HwLayer& hw : design.layers) {
        design.cycles += hw.cycles;
        design.estimate += hw.estimate;
    }
    if (progress)
        progress->report(1.0, "mapped");
    return design;
}

} // namespace luthier::arch
