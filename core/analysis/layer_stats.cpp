#include "analysis/layer_stats.h"

#include "analysis/int_weights.h"
#include "arch/hw_design.h"
#include "quant/lower.h"
#include "util/error.h"
#include "util/slice_progress.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <optional>

namespace luthier::analysis {

namespace {

bool isPowerOfTwoOrZero(int32_t v)
{
    const uint32_t a = uint32_t(std::abs(int64_t(v)));
    return (a & (a - 1)) == 0;
}

TlmacStats runTlmac(const IntWeights& w, int groupSize, const AnalysisOptions& options, Progress* progress,
    arch::cost::TlmacNumbers& numbers)
{
    arch::tlmac::TlmacOptions topts = options.tlmac;
    topts.lutInputs = options.lutInputs;
    topts.groupSize = groupSize;
    topts.parallelOutputs = options.parallelism;
    const arch::tlmac::TlmacPlan plan = arch::tlmac::planLayer(tlmacWeights(w, groupSize), topts, progress);
    TlmacStats t;
    t.steps = plan.steps;
    t.parallel = plan.parallel;
    t.clusters = plan.clusters;
    t.arrays = plan.arrays;
    t.lutWidth = plan.lutWidth;
    t.tableLuts = plan.tableLuts();
    t.muxLuts = plan.muxLuts();
    t.maxFanIn = plan.maxFanIn();
    t.wiresInitial = plan.wiresInitial;
    t.wiresFinal = plan.wiresFinal;
    t.method = plan.clusterMethod;
    t.clusterings = plan.clusterings;
    numbers.steps = plan.steps;
    numbers.parallelOutputs = plan.parallel;
    numbers.clusters = plan.clusters;
    numbers.arrays = plan.arrays;
    numbers.lutsPerArray = plan.lutWidth;
    for (size_t p = 0; p < plan.laneArrays.size(); ++p)
        numbers.muxFanIn.push_back(int64_t(plan.laneArrays[p].size()) + plan.laneUsesZero[p]);
    return t;
}

// The lowered layer that computes graph layer `index`'s weights, -1 when there is none.
int loweredIndex(const quant::IntGraph& lowered, int index)
{
    for (size_t i = 0; i < lowered.layers.size(); ++i) {
        const quant::IntLayer& l = lowered.layers[i];
        if (l.source == index && (l.kind == ir::LayerKind::Dense || l.kind == ir::LayerKind::Conv)) return int(i);
    }
    return -1;
}

// Replaces the analytic costs of the templates `wanted` by the compiler's: the template's mapper run on the lowered
// layer (arch::mapWeightLayer), the estimate `compile` reports and docs/templates.md checks against Yosys. A
// template the compiler refuses becomes unavailable with its reason. When it refuses every one (a layer it cannot
// map at all), the analytic costs stay, with a note.
void useCompilerEstimates(LayerStats& s, const quant::IntGraph& lowered, const AnalysisOptions& options, int groupSize,
    const std::vector<ir::TemplateKind>& wanted)
{
    const int index = loweredIndex(lowered, s.index);
    if (index < 0) {
        s.notes.push_back("the lowered graph has no layer for these weights: costs are the analytic model");
        return;
    }
    arch::MapOptions map;
    map.tlmac = options.tlmac;
    map.tlmac.lutInputs = options.lutInputs;
    map.tlmac.groupSize = groupSize;
    map.tlmac.parallelOutputs = options.parallelism;
    map.foldedLanes = int(options.parallelism);
    std::vector<arch::cost::Cost> costs = s.costs;
    std::string refusal;
    int mapped = 0;
    // The parallel templates map every (weight, input) product: on a layer of millions of weights that takes
    // seconds per template and the answer is far beyond any device, so such layers keep the formula. The adder
    // graph's sharing search grows with the square of a row (TFC's 784 x 64 layer takes ~25 s), and the workbench
    // analyses on every edit, so it is mapped on small layers only.
    constexpr int64_t kMaxParallelMappedWeights = int64_t(1) << 20;
    constexpr int64_t kMaxAdderGraphMappedWeights = int64_t(1) << 13;
    for (arch::cost::Cost& c : costs) {
        if (std::find(wanted.begin(), wanted.end(), c.kind) == wanted.end()) continue;
        const bool parallel = c.kind == ir::TemplateKind::Unrolled || c.kind == ir::TemplateKind::LutDense
            || c.kind == ir::TemplateKind::LutNa;
        const int64_t limit = c.kind == ir::TemplateKind::AdderGraph ? kMaxAdderGraphMappedWeights
            : parallel                                               ? kMaxParallelMappedWeights
                                                                     : INT64_MAX;
        if (s.weights > limit) {
            c.formula = "analytic model (" + std::to_string(s.weights) + " weights: the statistics map the "
                + std::string(ir::toString(c.kind)) + " template up to " + std::to_string(limit)
                + "; `compile` gives the estimate): " + c.formula;
            continue;
        }
        const std::string model = c.available
            ? "the analytic model says " + std::to_string(c.lut) + " LUT: " + c.formula
            : "the analytic model: " + c.formula;
        c.fromCompiler = true;
        try {
            const arch::HwLayer hw = arch::mapWeightLayer(lowered, index, c.kind, map);
            c.available = true;
            c.lut = hw.estimate.lut;
            c.ff = hw.estimate.ff;
            c.dsp = hw.estimate.dsp;
            c.bram = hw.estimate.bram;
            c.cycles = hw.interval;
            c.formula = "compiler estimate (" + std::to_string(hw.estimate.carry) + " CARRY4, latency "
                + std::to_string(hw.cycles) + " cycles); " + model;
            ++mapped;
        } catch (const Error& e) {
            c.available = false;
            c.formula = std::string("compile refuses: ") + e.what();
            refusal = e.what();
        }
    }
    if (mapped == 0 && !refusal.empty()) {
        s.notes.push_back("costs are the analytic model: the compiler cannot map this layer (" + refusal + ")");
        return;
    }
    s.costs = std::move(costs);
}

} // namespace

arch::tlmac::LayerWeights tlmacWeights(const IntWeights& weights, int groupSize)
{
    arch::tlmac::LayerWeights lw;
    lw.outputs = weights.outChannels;
    lw.rowLength = groupRowLength(weights, groupSize);
    lw.rows = weights.fanIn() / lw.rowLength;
    lw.values = weights.values;
    // The planner sizes tables from the signed two's-complement range the values lie in; unsigned weights need
    // one more bit to be held signed.
    lw.bits = weights.isSigned ? weights.bits : weights.bits + 1;
    if (weights.scheme == ir::WeightScheme::PowerOfTwo || weights.bipolar) {
        int32_t maxAbs = 0;
        for (int32_t v : weights.values)
            maxAbs = std::max(maxAbs, int32_t(std::abs(int64_t(v))));
        lw.bits = std::max(2, arch::cost::ceilLog2(int64_t(maxAbs) + 1) + 1);
    }
    return lw;
}

const arch::cost::Cost& LayerStats::cost(ir::TemplateKind kind) const
{
    for (const arch::cost::Cost& c : costs)
        if (c.kind == kind) return c;
    throw Error("layer '" + name + "' has no cost for template " + std::string(ir::toString(kind)));
}

LayerStats analyseLayer(const ir::Graph& graph, int index, const AnalysisOptions& options, Progress* progress,
    const quant::IntGraph* lowered)
{
    const ir::Layer& layer = graph.layers.at(size_t(index));
    LayerStats s;
    s.index = index;
    s.name = layer.name;
    s.opType = layer.opType;
    s.kind = layer.kind;
    const IntWeights w = integerWeights(layer);
    s.weightBits = w.bits;
    s.weightSigned = w.isSigned;
    s.weightFormat = layer.weightQuant.describe();
    if (layer.weightQuant.scheme == ir::WeightScheme::PowerOfTwo) s.weightFormat += " (power-of-two levels 0, +-2^e)";
    if (const ir::QuantSpec* a = inputActivationQuant(graph, index)) {
        s.activationBits = a->bits;
    } else {
        const bool fromInput
            = !layer.inputs.empty() && graph.layers[size_t(layer.inputs[0])].kind == ir::LayerKind::Input;
        s.activationBits = fromInput ? options.lowering.inputBits : options.defaultActivationBits;
        s.activationAssumed = true;
        s.notes.push_back("input activations are float: costs assume " + std::to_string(s.activationBits) + " bits"
            + (fromInput ? std::string(", the input quantiser the lowering inserts (--input-bits)") : std::string()));
    }
    if (const ir::QuantSpec* out = layer.outputQuant()) s.outputBits = out->bits;
    s.outChannels = w.outChannels;
    s.fanIn = w.fanIn();
    s.weights = int64_t(w.values.size());
    s.outPixels = std::max<int64_t>(1, ir::elementCount(layer.outShape) / std::max<int64_t>(1, w.outChannels));
    s.macs = s.outChannels * s.fanIn * s.outPixels;
    if (layer.finnPe > 0 && layer.finnSimd > 0) {
        s.finnPe = layer.finnPe;
        s.finnSimd = layer.finnSimd;
        s.finnCycles = s.outPixels * (s.outChannels / s.finnPe) * (s.fanIn / s.finnSimd);
    }

    s.histogram = weightHistogram(w);
    const auto custom = options.layerGroupSize.find(layer.name);
    int groupSize = custom != options.layerGroupSize.end() ? custom->second : options.groupSize;
    if (groupSize <= 0) groupSize = defaultGroupSize(w, options.lutInputs);
    s.groups = groupStats(w, groupSize);
    for (int64_t k : options.topK)
        s.topShares.emplace_back(k, s.groups.topShare(k));
    if (s.groups.paddedWeights > 0)
        s.notes.push_back("rows of " + std::to_string(s.groups.rowLength)
            + " weights are not a multiple of G=" + std::to_string(groupSize) + ": padded with "
            + std::to_string(s.groups.paddedWeights) + " zero weights per output");

    arch::cost::CostInput& in = s.costInput;
    in.conv = layer.kind == ir::LayerKind::Conv;
    in.outChannels = s.outChannels;
    in.fanIn = s.fanIn;
    in.outPixels = s.outPixels;
    in.inputElements = inputElements(graph, index);
    in.weightBits = w.bits;
    in.activationBits = s.activationBits;
    in.outputBits = s.outputBits;
    in.nonZeroWeights = s.histogram.total - s.histogram.zeros;
    for (int64_t o = 0; o < w.outChannels; ++o) {
        const auto first = w.values.begin() + o * w.fanIn();
        in.outputsWithWeights += std::any_of(first, first + w.fanIn(), [](int32_t v) { return v != 0; }) ? 1 : 0;
    }
    in.maxAbsWeight = std::max(std::abs(s.histogram.minLevel), std::abs(s.histogram.maxLevel));
    in.powerOfTwoWeights = std::all_of(w.values.begin(), w.values.end(), isPowerOfTwoOrZero);
    in.groupSize = groupSize;
    in.groupsPerOutput = s.groups.groupsPerOutput;
    in.uniqueGroups = s.groups.uniqueGroups;
    in.uniqueSliceGroups = s.groups.uniqueSliceGroups;
    in.lutInputs = options.lutInputs;
    in.parallelism = options.parallelism;
    if (options.planTlmac) {
        if (groupSize > options.lutInputs) {
            s.notes.push_back(
                "TLMAC needs G <= K: G=" + std::to_string(groupSize) + ", K=" + std::to_string(options.lutInputs));
        } else {
            arch::cost::TlmacNumbers numbers;
            s.tlmac = runTlmac(w, groupSize, options, progress, numbers);
            in.tlmac = std::move(numbers);
        }
    }
    s.costs = arch::cost::estimateAll(in);
    const auto chosen = options.layerTemplate.find(layer.name);
    // Learned tables map on LUT-Dense only, as compile chooses for them.
    s.selected = chosen != options.layerTemplate.end() ? chosen->second
        : layer.learnedTables                          ? ir::TemplateKind::LutDense
                                                       : options.defaultTemplate;
    if (lowered && options.compilerEstimates) {
        std::vector<ir::TemplateKind> wanted(std::begin(ir::kAllTemplates), std::end(ir::kAllTemplates));
        if (options.mapSelectedOnly)
            wanted = { s.selected, ir::TemplateKind::Dsp }; // dsp: what an unavailable choice is counted as
        useCompilerEstimates(s, *lowered, options, groupSize, wanted);
    }
    if (!s.cost(s.selected).available) {
        s.notes.push_back(std::string(ir::toString(s.selected)) + " cannot map this layer ("
            + s.cost(s.selected).formula + "): counted as dsp");
        s.selected = ir::TemplateKind::Dsp;
    }
    s.lutNa = arch::cost::lutNaOptions(in);
    if (layer.learnedTables)
        s.notes.push_back("learned tables (" + layer.learnedTables->origin + ") replace the products: "
            + (s.cost(ir::TemplateKind::LutDense).fromCompiler
                    ? "the lutdense cost is the compiler's estimate of the tables; the statistics above describe the "
                      "layer's weights"
                    : "the statistics and costs above describe the layer's weights, and `compile` gives the tables' "
                      "own estimate"));
    return s;
}

ModelStats analyseGraph(const ir::Graph& graph, const AnalysisOptions& options, Progress& progress)
{
    ModelStats m;
    m.model = graph.name;
    std::optional<quant::IntGraph> lowered;
    if (options.compilerEstimates) {
        try {
            lowered = quant::lowerToInteger(graph, options.lowering);
        } catch (const Error& e) {
            m.notes.push_back(std::string("costs are the analytic model (docs/statistics.md), not the compiler's "
                                          "estimate: the model does not lower to integers (")
                + e.what() + ")");
        }
    }
    std::vector<int> weighted;
    for (int i = 0; i < int(graph.layers.size()); ++i)
        if (ir::hasWeights(graph.layers[size_t(i)].kind)) weighted.push_back(i);
    for (size_t n = 0; n < weighted.size(); ++n) {
        progress.checkpoint();
        const ir::Layer& layer = graph.layers[size_t(weighted[n])];
        const double from = double(n) / double(weighted.size()), to = double(n + 1) / double(weighted.size());
        progress.report(from, "analysing " + layer.name);
        if (!layer.weightQuant.quantised()) {
            m.notes.push_back("layer '" + layer.name + "' has float weights: set its weight bits to analyse it");
            continue;
        }
        SliceProgress slice(progress, from, to);
        m.layers.push_back(analyseLayer(graph, weighted[n], options, &slice, lowered ? &*lowered : nullptr));
    }
    for (ir::TemplateKind kind : ir::kAllTemplates) {
        arch::cost::Cost total;
        total.kind = kind;
        int missing = 0;
        for (const LayerStats& l : m.layers) {
            const arch::cost::Cost& c = l.cost(kind);
            if (!c.available) {
                ++missing;
                continue;
            }
            total.lut += c.lut;
            total.ff += c.ff;
            total.dsp += c.dsp;
            total.bram += c.bram;
            total.cycles += c.cycles;
        }
        total.available = missing == 0 && !m.layers.empty();
        total.formula = missing ? std::to_string(missing) + " layer(s) cannot use this template" : "sum over layers";
        m.totals.push_back(total);
    }
    m.selectedTotal.kind = options.defaultTemplate;
    m.selectedTotal.formula = "sum of each layer's selected template";
    for (const LayerStats& l : m.layers) {
        const arch::cost::Cost& c = l.cost(l.selected);
        m.selectedTotal.lut += c.lut;
        m.selectedTotal.ff += c.ff;
        m.selectedTotal.dsp += c.dsp;
        m.selectedTotal.bram += c.bram;
        m.selectedTotal.cycles += c.cycles;
    }
    progress.report(1.0, "analysis done");
    return m;
}

} // namespace luthier::analysis
