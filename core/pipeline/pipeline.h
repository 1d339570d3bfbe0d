#pragma once
// The one way from a model to a design (docs/architecture.md): import -> overrides (and post-training
// quantisation) -> lower to integers -> statistics | map -> netlist -> placement, and the test vectors. Each
// product is computed on first request and cached, so a caller asks for what it needs and pays for nothing
// else; every request takes a Progress for its bar and its cancel. The CLI commands, the workbench jobs, the
// explainer and the tests all build designs through this class and nothing else, from one Options.
//
// A Pipeline is not thread-safe: a job builds its own from a snapshot of the document. Products are handed
// out as shared pointers to const, so they outlive the Pipeline and can cross threads.

#include "analysis/layer_stats.h"
#include "arch/hw_design.h"
#include "arch/stream/stream_plan.h"
#include "device/device.h"
#include "ir/graph.h"
#include "pipeline/options.h"
#include "place/constraints.h"
#include "place/netlist.h"
#include "place/placer.h"
#include "quant/int_graph.h"
#include "rtl/test_vectors.h"
#include "sim/dataset.h"
#include "util/progress.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace luthier::pipeline {

class Pipeline {
public:
    explicit Pipeline(Options options);
    // Starts from a model the caller already imported (the workbench imports once per open); options.modelPath is
    // then only a label. `inputs`, when given, replaces loading options.datasetInputs (a subset of samples).
    Pipeline(Options options, std::shared_ptr<const ir::Graph> imported,
        std::shared_ptr<const sim::Dataset> inputs = nullptr);

    // A pipeline for other options over the same model and dataset: it shares what does not depend on the
    // options (the imported model, the inputs, the calibrated ranges) as far as this one has computed it, so a
    // sweep imports and calibrates once. Safe to call from several threads once this pipeline is no longer
    // used to compute anything.
    Pipeline variant(Options options) const;

    const Options& options() const { return m_options; }

    std::shared_ptr<const ir::Graph> imported(Progress& progress);
    // The dataset's inputs shaped for the model; nullptr when the options name none.
    std::shared_ptr<const sim::Dataset> inputs(Progress& progress);
    // Float output ranges per layer on the inputs, for post-training quantisation; empty without inputs.
    const std::map<int, std::pair<double, double>>& calibration(Progress& progress);
    // The graph the hardware computes: overrides applied and, for what the model leaves float, post-training
    // quantisation (calibrated on the inputs when there are any).
    std::shared_ptr<const ir::Graph> graph(Progress& progress);
    const quant::Overrides& appliedOverrides(Progress& progress); // expanded, post-training defaults included
    const std::vector<std::string>& notes(Progress& progress); // what preparation decided, for the user
    std::shared_ptr<const quant::IntGraph> ints(Progress& progress);

    analysis::AnalysisOptions analysisOptions(Progress& progress);
    std::shared_ptr<const analysis::ModelStats> statistics(Progress& progress);

    arch::MapOptions mapOptions(Progress& progress);
    std::shared_ptr<const arch::HwDesign> design(Progress& progress);
    // The streaming form of the design when its feature maps exceed the whole-vector ports
    // (arch/stream/stream_plan.h); nullptr when the design fits them and is emitted as whole vectors.
    std::shared_ptr<const arch::stream::StreamPlan> streamPlan(Progress& progress);
    std::shared_ptr<const place::Netlist> netlist(Progress& progress);
    // Placed on `device` with the options' constraints.
    std::shared_ptr<const place::Placement> placement(
        const device::Device& device, Progress& progress, const place::PlaceOptions& placeOptions = {});
    // Golden-model vectors for the design: the first maxCount inputs (< 0: all); nullopt without inputs.
    std::optional<rtl::TestVectors> vectors(int64_t maxCount, Progress& progress);

private:
    void prepare(Progress& progress);

    Options m_options;
    std::shared_ptr<const ir::Graph> m_imported, m_graph;
    std::shared_ptr<const sim::Dataset> m_inputs;
    bool m_inputsLoaded = false;
    std::shared_ptr<const std::map<int, std::pair<double, double>>> m_calibration;
    quant::Overrides m_applied;
    std::vector<std::string> m_notes;
    std::shared_ptr<const quant::IntGraph> m_ints;
    std::shared_ptr<const analysis::ModelStats> m_statistics;
    std::shared_ptr<const arch::HwDesign> m_design;
    std::shared_ptr<const place::Netlist> m_netlist;
    std::shared_ptr<const arch::stream::StreamPlan> m_streamPlan;
    bool m_streamPlanned = false;
};

// The placer's form of a project's constraints (no pblock is exclusive: the project file has no flag).
place::Constraints placeConstraints(const project::Constraints& constraints);

} // namespace luthier::pipeline
