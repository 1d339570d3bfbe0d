#include "pipeline/pipeline.h"

#include "onnx/importer.h"
#include "quant/lower.h"
#include "quant/ptq.h"
#include "rtl/golden_vectors.h"
#include "sim/calibration.h"
#include "util/error.h"

namespace luthier::pipeline {

namespace {

// What the (expanded) overrides choose per layer, which the statistics and the compiler both follow.
struct LayerChoices {
    std::map<std::string, ir::TemplateKind> templates;
    std::map<std::string, int> groupSizes;
};

LayerChoices layerChoices(const quant::Overrides& expanded)
{
    LayerChoices c;
    for (const auto& [layer, o] : expanded) {
        // Learned tables are LUT-Dense tables: they choose that template unless the layer names another, which
        // the compiler then refuses by name rather than dropping the tables.
        if (o.templateKind)
            c.templates[layer] = *o.templateKind;
        else if (o.tables)
            c.templates[layer] = ir::TemplateKind::LutDense;
        if (o.groupSize) c.groupSizes[layer] = *o.groupSize;
    }
    return c;
}

// What no stage checks before it has spent its time: refused up front, naming the flag and the project key.
void checkOptions(const Options& o)
{
    if (!(o.effort > 0.0 && o.effort <= 1000.0)) // also NaN, which every range check lets through
        throw Error("annealing effort " + std::to_string(o.effort)
            + " is not a number above 0 and at most 1000 (--effort, or compiler.annealingEffort in the project)");
}

} // namespace

Pipeline::Pipeline(Options options)
    : m_options(std::move(options))
{
    checkOptions(m_options);
}

Pipeline::Pipeline(
    Options options, std::shared_ptr<const ir::Graph> imported, std::shared_ptr<const sim::Dataset> inputs)
    : m_options(std::move(options))
    , m_imported(std::move(imported))
    , m_inputs(std::move(inputs))
    , m_inputsLoaded(m_inputs != nullptr)
{
    checkOptions(m_options);
}

Pipeline Pipeline::variant(Options options) const
{
    const bool sameModel = options.modelPath == m_options.modelPath;
    const bool sameData = sameModel && options.datasetInputs == m_options.datasetInputs;
    Pipeline other(std::move(options), sameModel ? m_imported : nullptr, sameData ? m_inputs : nullptr);
    other.m_inputsLoaded = sameData && m_inputsLoaded;
    if (sameData) other.m_calibration = m_calibration;
    return other;
}

std::shared_ptr<const ir::Graph> Pipeline::imported(Progress& progress)
{
    if (!m_imported) {
        if (m_options.modelPath.empty()) throw Error("no model: give a MODEL or a project that names one");
        progress.report(0.0, "importing " + m_options.modelPath);
        m_imported = std::make_shared<const ir::Graph>(importer::importModel(m_options.modelPath));
        progress.checkpoint();
    }
    return m_imported;
}

std::shared_ptr<const sim::Dataset> Pipeline::inputs(Progress& progress)
{
    if (!m_inputsLoaded) {
        if (!m_options.datasetInputs.empty())
            m_inputs = std::make_shared<const sim::Dataset>(
                sim::loadInputs(m_options.datasetInputs, imported(progress)->layers.at(0).outShape));
        m_inputsLoaded = true;
    }
    return m_inputs;
}

const std::map<int, std::pair<double, double>>& Pipeline::calibration(Progress& progress)
{
    if (!m_calibration) {
        std::map<int, std::pair<double, double>> ranges;
        if (const auto data = inputs(progress)) {
            progress.report(0.02, "calibrating activation ranges");
            ranges = sim::calibrateRanges(*imported(progress), *data, progress);
        }
        m_calibration = std::make_shared<const std::map<int, std::pair<double, double>>>(std::move(ranges));
    }
    return *m_calibration;
}

void Pipeline::prepare(Progress& progress)
{
    if (m_graph) return;
    const auto model = imported(progress);
    const bool requested = m_options.lowering.ptqWeightBits > 0 || m_options.ptqActivationBits > 0;
    quant::PreparedGraph prepared;
    if (requested && quant::needsPostTraining(*model)) {
        prepared = quant::prepareGraph(*model, m_options.overrides, m_options.lowering.ptqWeightBits,
            m_options.ptqActivationBits, calibration(progress));
    } else {
        // What the model leaves float stays float; lowering names it if hardware would need it quantised.
        prepared.applied = quant::expandOverrides(*model, m_options.overrides);
        prepared.graph = prepared.applied.empty() ? *model : quant::applyOverrides(*model, prepared.applied);
    }
    m_graph = std::make_shared<const ir::Graph>(std::move(prepared.graph));
    m_applied = std::move(prepared.applied);
    m_notes = std::move(prepared.notes);
    progress.checkpoint();
}

std::shared_ptr<const ir::Graph> Pipeline::graph(Progress& progress)
{
    prepare(progress);
    return m_graph;
}

const quant::Overrides& Pipeline::appliedOverrides(Progress& progress)
{
    prepare(progress);
    return m_applied;
}

const std::vector<std::string>& Pipeline::notes(Progress& progress)
{
    prepare(progress);
    return m_notes;
}

std::shared_ptr<const quant::IntGraph> Pipeline::ints(Progress& progress)
{
    if (!m_ints) {
        const auto g = graph(progress);
        progress.report(0.05, "lowering to integers");
        // IntGraph::source points into *g, which the pipeline keeps alive; the deleter keeps it alive as long as
        // the integer graph is used, wherever it goes.
        auto lowered = std::make_shared<quant::IntGraph>(quant::lowerToInteger(*g, m_options.lowering));
        LUTHIER_ASSERT(lowered->source == g.get());
        m_ints = std::shared_ptr<const quant::IntGraph>(lowered.get(), [lowered, g](const quant::IntGraph*) {});
        progress.checkpoint();
    }
    return m_ints;
}

analysis::AnalysisOptions Pipeline::analysisOptions(Progress& progress)
{
    const LayerChoices choices = layerChoices(appliedOverrides(progress));
    analysis::AnalysisOptions o;
    o.tlmac.effort = m_options.effort; // K, G and P of the TLMAC plan come from the fields below
    o.tlmac.seed = m_options.seed;
    o.lutInputs = m_options.lutInputs;
    o.groupSize = m_options.groupSize;
    o.parallelism = m_options.parallelism;
    o.lowering = m_options.lowering;
    if (m_options.ptqActivationBits > 0) o.defaultActivationBits = m_options.ptqActivationBits;
    o.defaultTemplate = m_options.defaultTemplate;
    o.layerTemplate = choices.templates;
    o.layerGroupSize = choices.groupSizes;
    return o;
}

std::shared_ptr<const analysis::ModelStats> Pipeline::statistics(Progress& progress)
{
    if (!m_statistics) {
        auto stats = std::make_shared<analysis::ModelStats>(
            analysis::analyseGraph(*graph(progress), analysisOptions(progress), progress));
        stats->notes.insert(stats->notes.begin(), m_notes.begin(), m_notes.end());
        m_statistics = std::move(stats);
    }
    return m_statistics;
}

arch::MapOptions Pipeline::mapOptions(Progress& progress)
{
    const LayerChoices choices = layerChoices(appliedOverrides(progress));
    arch::MapOptions o;
    o.tlmac = { .lutInputs = m_options.lutInputs,
        .groupSize = m_options.groupSize > 0 ? m_options.groupSize : arch::tlmac::TlmacOptions {}.groupSize,
        .parallelOutputs = m_options.parallelism,
        .seed = m_options.seed,
        .effort = m_options.effort };
    o.defaultTemplate = m_options.defaultTemplate;
    o.layerTemplates = choices.templates;
    o.layerGroupSizes = choices.groupSizes;
    o.foldedLanes = m_options.parallelism; // the DSP and shift-add lanes follow P like TLMAC's outputs
    o.pipelineEvery = m_options.pipelineEvery;
    o.lutNaChunk = m_options.lutNaChunk;
    o.adderDepth = m_options.adderDepth;
    o.argmax = m_options.argmax;
    o.chooseTemplate = m_options.chooseTemplate;
    o.initiationInterval = m_options.initiationInterval;
    return o;
}

std::shared_ptr<const arch::HwDesign> Pipeline::design(Progress& progress)
{
    if (!m_design) {
        const auto lowered = ints(progress);
        m_design = std::make_shared<const arch::HwDesign>(arch::mapDesign(*lowered, mapOptions(progress), &progress));
        progress.checkpoint();
    }
    return m_design;
}

std::shared_ptr<const arch::stream::StreamPlan> Pipeline::streamPlan(Progress& progress)
{
    if (!m_streamPlanned) {
        const auto mapped = design(progress);
        if (arch::stream::needsStreaming(*mapped))
            m_streamPlan
                = std::make_shared<const arch::stream::StreamPlan>(arch::stream::planStream(*ints(progress), *mapped));
        m_streamPlanned = true;
    }
    return m_streamPlan;
}

std::shared_ptr<const place::Netlist> Pipeline::netlist(Progress& progress)
{
    if (!m_netlist) m_netlist = std::make_shared<const place::Netlist>(place::buildNetlist(*design(progress)));
    return m_netlist;
}

std::shared_ptr<const place::Placement> Pipeline::placement(
    const device::Device& device, Progress& progress, const place::PlaceOptions& placeOptions)
{
    const auto units = netlist(progress);
    return std::make_shared<const place::Placement>(
        place::place(device, *units, placeConstraints(m_options.constraints), placeOptions, progress));
}

std::optional<rtl::TestVectors> Pipeline::vectors(int64_t maxCount, Progress& progress)
{
    const auto data = inputs(progress);
    if (!data) return std::nullopt;
    return rtl::goldenVectors(*ints(progress), *design(progress), *data, maxCount, &progress);
}

place::Constraints placeConstraints(const project::Constraints& constraints)
{
    place::Constraints c;
    for (const auto& [name, r] : constraints.pblocks)
        c.pblocks[name] = { { r.col0, r.row0, r.col1, r.row1 }, false };
    c.slr = constraints.slr;
    for (const project::TileRect& r : constraints.keepOut)
        c.keepOut.push_back({ r.col0, r.row0, r.col1, r.row1 });
    return c;
}

} // namespace luthier::pipeline
