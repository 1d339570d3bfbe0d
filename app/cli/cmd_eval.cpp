// luthier-cli eval MODEL --inputs X.npy --labels Y.npy [--json FILE]: top-1 accuracy of the float
// reference and the integer golden model, their agreement, and per-layer activation ranges.

#include "commands.h"
#include "console.h"
#include "model_run_options.h"
#include "pipeline/pipeline.h"
#include "sim/evaluation.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::cli {

namespace {

void printEvaluation(const ir::Graph& graph, const sim::Evaluation& e)
{
    report("%s: %lld samples, %lld classes\n", graph.name.c_str(), static_cast<long long>(e.samples),
        static_cast<long long>(e.classes));
    if (e.labelled) {
        report("top-1 accuracy  float %.2f %% (%lld)   integer %.2f %% (%lld)\n", 100 * e.floatAccuracy(),
            static_cast<long long>(e.floatCorrect), 100 * e.intAccuracy(), static_cast<long long>(e.intCorrect));
    }
    report("agreement       %.2f %% of samples have the same class (%lld differ)\n", 100 * e.agreement(),
        static_cast<long long>(e.samples - e.argmaxAgree));
    report("output values   %lld of %lld differ (max |difference| %.3g)\n", static_cast<long long>(e.valueMismatches),
        static_cast<long long>(e.values), e.maxAbsDifference);
    report("argmax ties     float %lld   integer %lld samples\n", static_cast<long long>(e.floatTies),
        static_cast<long long>(e.intTies));
    report("%-3s %-32s %14s %14s %14s %14s %10s %10s\n", "#", "layer", "float min", "float max", "int-model min",
        "int-model max", "int min", "int max");
    for (size_t i = 0; i < e.intRanges.size(); ++i) {
        const sim::LayerRange& q = e.intRanges[i];
        const sim::LayerRange& f = e.floatRanges.at(i);
        std::string name = q.name.size() > 32 ? "..." + q.name.substr(q.name.size() - 29) : q.name;
        report("%-3zu %-32s %14.6g %14.6g %14.6g %14.6g", i, name.c_str(), f.min, f.max, q.min, q.max);
        if (q.integer)
            report(" %10lld %10lld\n", static_cast<long long>(q.intMin), static_cast<long long>(q.intMax));
        else
            report(" %10s %10s\n", "-", "-");
    }
}

} // namespace

void addEvalCommand(CLI::App& app, Context&)
{
    struct Options : ModelRunOptions {
        std::string labels, json;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("eval", "Accuracy of the float and integer models and their agreement");
    addModelInputOptions(cmd, *o);
    cmd->add_option("--labels", o->labels, "Labels (.npy/.csv class indices or one-hot rows)");
    cmd->add_option("--json", o->json, "Also write the results as JSON to this file ('-' for stdout)");
    addLoweringOptions(cmd, *o);
    cmd->callback([o] {
        pipeline::Pipeline build(pipelineOptions(*o));
        Progress none;
        const ir::Graph& graph = *build.imported(none);
        const sim::Dataset& data = *build.inputs(none);
        const std::vector<int64_t> labels
            = o->labels.empty() ? std::vector<int64_t> {} : sim::loadLabels(o->labels, data.count);
        const quant::IntGraph& ig = *build.ints(none);
        std::vector<std::string> notes = build.notes(none); // preparation first, then lowering
        notes.insert(notes.end(), ig.notes.begin(), ig.notes.end());
        sim::RunOptions run;
        run.threads = o->threads;
        const sim::RunResult f = sim::runFloat(graph, data, run);
        const sim::RunResult q = sim::runInteger(ig, data, run);
        const sim::Evaluation e = sim::evaluate(f, q, labels);
        nlohmann::json j = sim::toJson(e);
        j["model"] = graph.name;
        j["notes"] = notes;
        if (o->json != "-") printEvaluation(graph, e);
        for (const std::string& text : notes)
            note("%s", text.c_str());
        if (o->json == "-")
            util::writeStdout(util::dumpJson(j, 2) + "\n");
        else if (!o->json.empty())
            util::writeFileAtomic(o->json, util::dumpJson(j, 2) + "\n");
    });
}

} // namespace luthier::cli
