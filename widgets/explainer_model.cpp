#include "explainer_model.h"

#include "arch/cost/cost.h"
#include "device/resources.h"
#include "pipeline/pipeline.h"
#include "sim/dataset.h"
#include "sim/int_executor.h"
#include "sim/int_kernels.h"
#include "util/error.h"

#include <cstdio>

namespace luthier::widgets {

namespace {

// The golden model's integers at one layer for one sample: the graph run with that layer as its output.
std::vector<int64_t> goldenIntegers(const quant::IntGraph& ints, int layer, const sim::Dataset& sample)
{
    if (layer == 0) {
        sim::IntExecutor executor(ints);
        return executor.quantiseInput(sample.sample(0));
    }
    quant::IntGraph truncated = ints;
    truncated.outputs = { layer };
    sim::RunOptions options;
    options.threads = 1;
    return sim::runInteger(truncated, sample, options).outputs.at(0).ints;
}

const quant::IntFormat& inputFormatOf(const quant::IntGraph& ints, const quant::IntLayer& layer)
{
    int p = layer.inputs.at(0);
    while (p > 0 && !ints.layers[size_t(p)].outFormat())
        p = ints.layers[size_t(p)].inputs.at(0);
    if (p <= 0) return ints.inputFormat;
    return *ints.layers[size_t(p)].outFormat();
}

std::string costText(const arch::cost::Cost& c)
{
    if (!c.available) return "not available: " + c.formula;
    char text[160];
    std::snprintf(text, sizeof text, "%s LUT, %s FF, %lld DSP, %.1f BRAM36, %lld cycles",
        device::withThousands(c.lut).c_str(), device::withThousands(c.ff).c_str(), (long long)c.dsp, c.bram,
        (long long)c.cycles);
    return text;
}

const arch::HwLayer& tlmacLayer(const ExplainerSource& source, int layer)
{
    if (!source.design || layer < 0 || layer >= int(source.design->layers.size()))
        throw Error("explainer: no design layer " + std::to_string(layer));
    const arch::HwLayer& l = source.design->layers[size_t(layer)];
    if (!l.tlmac) throw Error("explainer: layer '" + l.name + "' is not a TLMAC layer");
    return l;
}

} // namespace

ExplainerSource loadExplainerSource(const pipeline::Options& options, int64_t sampleIndex)
{
    ExplainerSource source;
    pipeline::Pipeline build(options);
    Progress none;
    auto graph = build.graph(none);
    source.modelName = graph->name;
    auto ints = build.ints(none);
    source.design = build.design(none);
    const auto all = build.inputs(none);
    if (!all) throw Error("explainer: the project has no dataset to take a sample from");
    if (sampleIndex < 0 || sampleIndex >= all->count)
        throw Error(options.datasetInputs + ": sample " + std::to_string(sampleIndex) + " requested, the file holds "
            + std::to_string(all->count));
    sim::Dataset sample;
    sample.sampleShape = all->sampleShape;
    sample.count = 1;
    sample.data.assign(all->sample(sampleIndex), all->sample(sampleIndex) + all->sampleSize());

    const analysis::AnalysisOptions analysisOptions = build.analysisOptions(none);
    for (const arch::HwLayer& l : source.design->layers) {
        const quant::IntLayer& il = ints->layers.at(size_t(l.source));
        source.layerInputs.push_back(goldenIntegers(*ints, il.inputs.at(0), sample));
        source.layerOutputs.push_back(goldenIntegers(*ints, l.source, sample));
        source.stats.push_back(analysis::analyseLayer(*graph, il.source, analysisOptions, nullptr, ints.get()));
    }
    source.graph = std::move(graph);
    source.ints = std::move(ints);
    return source;
}

ArrayView describeArray(const arch::HwLayer& layer, int array)
{
    if (!layer.tlmac || array < 0 || array >= layer.tlmac->plan.arrays)
        throw Error("explainer: layer '" + layer.name + "' has no LUT array " + std::to_string(array));
    const arch::tlmac::TlmacPlan& plan = layer.tlmac->plan;
    ArrayView v;
    v.array = array;
    v.lutInputs = plan.lutInputs;
    v.groupSize = plan.groupSize;
    v.clusterBits = plan.clusterBits;
    v.lutWidth = plan.lutWidth;
    for (int c = 0; c < plan.clusters; ++c) {
        const int32_t u = plan.groupAt[size_t(array) * size_t(plan.clusters) + size_t(c)];
        v.storedGroups.push_back(u < 0 ? std::vector<int32_t> {} : plan.uniqueGroups[size_t(u)]);
    }
    const unsigned entries = 1u << plan.lutInputs;
    const unsigned activationMask = (1u << plan.groupSize) - 1;
    const arch::LutArray& hw = layer.arrays.at(size_t(array));
    for (unsigned address = 0; address < entries; ++address) {
        TruthTableRow row;
        row.address = address;
        row.cluster = int(address >> plan.groupSize);
        row.activationBits = address & activationMask;
        // Addresses past the last cluster hold nothing (the cluster ROM never selects them).
        row.value = row.cluster < plan.clusters ? plan.tableValue(array, row.cluster, row.activationBits) : 0;
        v.rows.push_back(row);
        for (int bit = 0; bit < plan.lutWidth; ++bit) {
            const bool stored = hw.init.at(size_t(bit)).at(address / 64) >> (address % 64) & 1u;
            if (stored != bool(uint64_t(row.value) >> bit & 1u)) v.initMatchesTable = false;
        }
    }
    for (int bit = 0; bit < plan.lutWidth; ++bit) {
        std::string hex;
        const auto& words = hw.init[size_t(bit)];
        for (size_t w = words.size(); w-- > 0;) {
            char text[17];
            std::snprintf(text, sizeof text, "%016llX", (unsigned long long)words[w]);
            hex += text;
        }
        if (entries < 64) hex = hex.substr(hex.size() - entries / 4);
        v.initHex.push_back(std::to_string(entries) + "'h" + hex);
    }
    return v;
}

DotProductTrace traceDotProduct(const ExplainerSource& source, int layer, int64_t output)
{
    const arch::HwLayer& hw = tlmacLayer(source, layer);
    const arch::TlmacDatapath& d = *hw.tlmac;
    const arch::tlmac::TlmacPlan& plan = d.plan;
    if (output < 0 || output >= plan.outputs)
        throw Error("explainer: layer '" + hw.name + "' has no output " + std::to_string(output));
    const quant::IntLayer& il = source.ints->layers.at(size_t(hw.source));
    const quant::IntFormat& in = inputFormatOf(*source.ints, il);
    const std::vector<int64_t>& q = source.layerInputs.at(size_t(layer));
    if (int64_t(q.size()) != d.inputs)
        throw Error("explainer: layer '" + hw.name + "' has " + std::to_string(d.inputs)
            + " inputs, the golden model gave " + std::to_string(q.size()));

    DotProductTrace t;
    t.output = output;
    t.inputBits = d.inputBits;
    t.inputScale = d.inputScale;
    const int64_t lane = output % plan.parallel, block = output / plan.parallel;
    const int G = plan.groupSize;
    const auto weightAt = [&](int64_t i) { return i < d.inputs ? il.weights[size_t(output * d.inputs + i)] : 0; };
    for (int64_t j = 0; j < plan.groupsPerOutput; ++j) {
        GroupStep g;
        g.group = j;
        g.step = block * plan.groupsPerOutput + j;
        g.cluster = plan.clusterOfStep[size_t(g.step)];
        for (int k = 0; k < G; ++k) {
            const int64_t i = j * G + k;
            g.weights.push_back(weightAt(i));
            g.codes.push_back(i < d.inputs ? in.codeOf(q[size_t(i)]) : 0);
        }
        const int32_t u = plan.laneGroup[size_t(g.step * plan.parallel + lane)];
        if (u >= 0 && u != plan.zeroGroup) {
            g.array = plan.arrayOf[size_t(int64_t(g.cluster) * int64_t(plan.uniqueGroups.size()) + u)];
            if (plan.uniqueGroups[size_t(u)] != g.weights && t.mismatch.empty())
                t.mismatch = "step " + std::to_string(g.step) + " routes lane " + std::to_string(lane)
                    + " to a group that is not its weights";
            for (int b = d.inputBits - 1; b >= 0; --b) {
                PlaneLookup p;
                p.plane = b;
                for (int k = 0; k < G; ++k)
                    p.activationBits |= unsigned(g.codes[size_t(k)] >> b & 1u) << k;
                p.address = unsigned(g.cluster) << G | p.activationBits;
                p.tableValue = plan.tableValue(g.array, g.cluster, p.activationBits);
                p.shifted = p.tableValue * (int64_t(1) << b);
                t.s += p.shifted;
                p.running = t.s;
                g.lookups.push_back(p);
            }
        }
        t.steps.push_back(std::move(g));
    }
    t.offset = d.offset[size_t(output)];
    t.acc = int64_t(d.inputScale) * t.s + t.offset;

    // The golden model's own arithmetic: its dot-product kernel over (q - z) and the integer weights.
    std::vector<int32_t> a(size_t(d.inputs)), w(size_t(d.inputs));
    for (int64_t i = 0; i < d.inputs; ++i) {
        a[size_t(i)] = int32_t(q[size_t(i)] - il.padValue);
        w[size_t(i)] = il.weights[size_t(output * d.inputs + i)];
    }
    t.reference = sim::dot32(a.data(), w.data(), d.inputs);
    t.goldenOutput = source.layerOutputs.at(size_t(layer)).at(size_t(output));

    bool outputOk = true;
    if (d.raw) {
        outputOk = t.acc == t.goldenOutput;
    } else {
        int64_t count = 0;
        for (int64_t level : d.compareLevels[size_t(output)])
            count += int64_t(d.compareSign[size_t(output)]) * t.s >= level;
        t.hardwareOutput = il.requant->out.valueOf(uint64_t(count));
        outputOk = *t.hardwareOutput == t.goldenOutput && il.requant->apply(t.acc, output) == t.goldenOutput;
    }
    if (t.mismatch.empty() && t.acc != t.reference)
        t.mismatch = "table accumulator " + std::to_string(t.acc) + " differs from the golden sum "
            + std::to_string(t.reference);
    if (t.mismatch.empty() && !outputOk)
        t.mismatch = "output " + std::to_string(t.hardwareOutput.value_or(t.acc)) + " differs from the golden model's "
            + std::to_string(t.goldenOutput);
    t.exact = t.mismatch.empty();
    return t;
}

std::vector<Alternative> compareAlternatives(const ExplainerSource& source, int layer, const DotProductTrace& trace)
{
    const arch::HwLayer& hw = tlmacLayer(source, layer);
    const arch::TlmacDatapath& d = *hw.tlmac;
    const quant::IntLayer& il = source.ints->layers.at(size_t(hw.source));
    const quant::IntFormat& in = inputFormatOf(*source.ints, il);
    const analysis::LayerStats& stats = source.stats.at(size_t(layer));
    const std::vector<int64_t>& q = source.layerInputs.at(size_t(layer));
    const int64_t n = d.inputs, o = trace.output;
    int64_t nonZero = 0;
    bool powerOfTwo = true;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t w = il.weights[size_t(o * n + i)];
        nonZero += w != 0;
        const int64_t m = w < 0 ? -w : w;
        powerOfTwo = powerOfTwo && (m & (m - 1)) == 0;
    }
    std::vector<Alternative> out;

    Alternative mac;
    mac.name = "multiply-accumulate";
    for (int64_t i = 0; i < n; ++i)
        mac.value += il.weights[size_t(o * n + i)] * (q[size_t(i)] - il.padValue);
    mac.operations = std::to_string(n) + " multiplies, " + std::to_string(n - 1) + " additions";
    mac.layerCost = costText(stats.cost(ir::TemplateKind::Dsp));
    mac.note = "one product w * (q - z) per input on a DSP or LUT multiplier";
    out.push_back(mac);

    Alternative shift;
    shift.name = "shift-add (power-of-two)";
    shift.available = powerOfTwo;
    if (powerOfTwo) {
        for (int64_t i = 0; i < n; ++i) {
            const int64_t w = il.weights[size_t(o * n + i)];
            if (w == 0) continue;
            int e = 0;
            while ((int64_t(1) << e) < (w < 0 ? -w : w))
                ++e;
            const int64_t x = q[size_t(i)] - il.padValue;
            shift.value += w < 0 ? -(x * (int64_t(1) << e)) : x * (int64_t(1) << e);
        }
        shift.operations
            = std::to_string(nonZero) + " shifts, " + std::to_string(std::max<int64_t>(0, nonZero - 1)) + " additions";
        shift.note = "each weight is a sign and a shift; zero weights cost nothing";
    } else {
        shift.note = "these weights are not all 0 or +-2^e; the pow2 weight scheme re-quantises them first";
    }
    shift.layerCost = costText(stats.cost(ir::TemplateKind::ShiftAdd));
    out.push_back(shift);

    // LUT-NA: the activation code in k-bit chunks, each selecting v * w from the weight's table.
    const int k = stats.lutNa.empty() ? 2 : arch::cost::bestLutNaOption(stats.costInput).k;
    Alternative lutna;
    lutna.name = "LUT-NA (k = " + std::to_string(k) + ")";
    const int chunks = (d.inputBits + k - 1) / k;
    int64_t s = 0;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t w = il.weights[size_t(o * n + i)];
        const uint64_t code = in.codeOf(q[size_t(i)]);
        for (int c = 0; c < chunks; ++c) {
            const int64_t v = int64_t(code >> (c * k) & ((uint64_t(1) << k) - 1));
            s += (v * w) * (int64_t(1) << (c * k)); // T_w[v], shifted by the chunk's position
        }
    }
    lutna.value = int64_t(d.inputScale) * s + d.offset[size_t(o)];
    lutna.operations = std::to_string(n * chunks) + " lookups of 2^" + std::to_string(k) + "-entry tables, "
        + std::to_string(n * chunks - 1) + " additions";
    lutna.layerCost = costText(stats.cost(ir::TemplateKind::LutNa));
    lutna.note = "weight-stationary tables of v * w; chunk results shift-added";
    out.push_back(lutna);

    Alternative tl;
    tl.name = "TLMAC (this layer)";
    tl.value = trace.acc;
    int64_t lookups = 0;
    for (const GroupStep& g : trace.steps)
        lookups += int64_t(g.lookups.size());
    tl.operations = std::to_string(lookups) + " table lookups (" + std::to_string(trace.steps.size()) + " groups x "
        + std::to_string(d.inputBits) + " bit-planes), " + std::to_string(std::max<int64_t>(0, lookups - 1))
        + " shifted additions";
    tl.layerCost = costText(stats.cost(ir::TemplateKind::Tlmac));
    tl.note = "arrays shared by every output of the step's cluster";
    out.push_back(tl);
    return out;
}

} // namespace luthier::widgets
