// luthier-cli analyze MODEL [--set LAYER.KEY=VALUE ...] [--project P.luthier] [--json] [--inputs X --labels Y]:
// per-layer weight statistics (histogram, groups, unique groups, TLMAC clustering) and the cost of every hardware
// template side by side, totals, and with a dataset the accuracy before and after the overrides.

#include "analysis/accuracy.h"
#include "analysis/layer_stats.h"
#include "analysis/stats_json.h"
#include "commands.h"
#include "model_run_options.h"
#include "pipeline/pipeline.h"
#include "project/project_file.h"
#include "terminal_progress.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace luthier::cli {

namespace {

std::string histogramText(const analysis::WeightHistogram& h)
{
    std::ostringstream s;
    int shown = 0;
    for (const auto& [level, count] : h.counts) {
        if (shown++ == 16) {
            s << " ...";
            break;
        }
        s << (shown > 1 ? " " : "") << level << ":" << count;
    }
    return s.str();
}

std::string groupText(const std::vector<int32_t>& g)
{
    std::string s = "(";
    for (size_t i = 0; i < g.size(); ++i)
        s += (i ? "," : "") + std::to_string(g[i]);
    return s + ")";
}

void printCostRow(const arch::cost::Cost& c, bool selected, bool withFormula)
{
    const std::string name = std::string(ir::toString(c.kind)) + (selected ? "*" : "");
    if (!c.available) {
        std::printf("    %-10s %10s  %s\n", name.c_str(), "n/a", c.formula.c_str());
        return;
    }
    std::printf("    %-10s %10lld %9lld %5lld %7.1f %11lld", name.c_str(), static_cast<long long>(c.lut),
        static_cast<long long>(c.ff), static_cast<long long>(c.dsp), c.bram, static_cast<long long>(c.cycles));
    if (withFormula) std::printf("  %s", c.formula.c_str());
    std::printf("\n");
}

void printCostHeader()
{
    std::printf("    %-10s %10s %9s %5s %7s %11s\n", "template", "LUT", "FF", "DSP", "BRAM36", "cycles");
}

void printLayer(const analysis::LayerStats& s)
{
    std::printf("\n[%d] %s  %s (%s)  %lld -> %lld outputs x %lld pixels, %lld weights, %lld MACs\n", s.index,
        s.name.c_str(), ir::toString(s.kind), s.opType.c_str(), static_cast<long long>(s.fanIn),
        static_cast<long long>(s.outChannels), static_cast<long long>(s.outPixels), static_cast<long long>(s.weights),
        static_cast<long long>(s.macs));
    std::printf("  weights %s, input activations %d bits%s, output %s\n", s.weightFormat.c_str(), s.activationBits,
        s.activationAssumed ? " (assumed)" : "",
        s.outputBits ? (std::to_string(s.outputBits) + " bits").c_str() : "raw accumulator");
    std::printf("  histogram  %s   zero fraction %.1f %%\n", histogramText(s.histogram).c_str(),
        100 * s.histogram.zeroFraction());
    const analysis::GroupStats& g = s.groups;
    std::printf(
        "  groups     G=%d over rows of %lld: %lld per output, %lld total, %lld unique, %lld unique per slice\n",
        g.groupSize, static_cast<long long>(g.rowLength), static_cast<long long>(g.groupsPerOutput),
        static_cast<long long>(g.totalGroups), static_cast<long long>(g.uniqueGroups),
        static_cast<long long>(g.uniqueSliceGroups));
    std::printf("  coverage  ");
    for (const auto& [k, share] : s.topShares)
        std::printf(" top-%lld %.1f %%", static_cast<long long>(k), 100 * share);
    std::printf("   90 %% covered by %lld groups", static_cast<long long>(g.groupsCovering(0.9)));
    if (!g.topGroups.empty())
        std::printf(
            "; most frequent %s x%lld", groupText(g.topGroups[0]).c_str(), static_cast<long long>(g.frequencies[0]));
    std::printf("\n");
    if (s.tlmac) {
        const analysis::TlmacStats& t = *s.tlmac;
        std::printf("  tlmac      D_s=%lld D_p=%lld N_clus=%lld N_arr=%lld N_lut=%lld: tables %lld + mux %lld LUT, "
                    "max fan-in %lld, wires %lld -> %lld (%s",
            static_cast<long long>(t.steps), static_cast<long long>(t.parallel), static_cast<long long>(t.clusters),
            static_cast<long long>(t.arrays), static_cast<long long>(t.lutWidth), static_cast<long long>(t.tableLuts),
            static_cast<long long>(t.muxLuts), static_cast<long long>(t.maxFanIn),
            static_cast<long long>(t.wiresInitial), static_cast<long long>(t.wiresFinal), t.method.c_str());
        for (const auto& c : t.clusterings)
            std::printf("; %s %d arrays", c.method.c_str(), c.arrays);
        std::printf(")\n");
    }
    std::printf("  lut-na     k:");
    for (const auto& o : s.lutNa)
        std::printf(" %d=%lldb/%lldL/%lldA/%lldLUT", o.k, static_cast<long long>(o.storedBits),
            static_cast<long long>(o.lookups), static_cast<long long>(o.adders), static_cast<long long>(o.luts));
    std::printf("   (stored bits / lookups / adders / LUTs per weight)\n");
    printCostHeader();
    for (const auto& c : s.costs)
        printCostRow(c, c.kind == s.selected, true);
    if (s.finnPe > 0)
        std::printf("    %-10s %10s %9s %5s %7s %11lld  FINN's folding PE=%lld SIMD=%lld: cycles = MH/PE * MW/SIMD = "
                    "%lld/%lld * %lld/%lld\n",
            "finn", "-", "-", "-", "-", static_cast<long long>(s.finnCycles), static_cast<long long>(s.finnPe),
            static_cast<long long>(s.finnSimd), static_cast<long long>(s.outChannels), static_cast<long long>(s.finnPe),
            static_cast<long long>(s.fanIn), static_cast<long long>(s.finnSimd));
    for (const std::string& note : s.notes)
        std::printf("  note: %s\n", note.c_str());
}

} // namespace

void addAnalyzeCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string model, project, inputs, labels;
        std::vector<std::string> sets;
        bool json = false;
        int groupSize = 0, lutInputs = 6, parallel = 64, ptqWeightBits = 8, ptqActivationBits = 8, threads = 0;
        quant::LowerOptions lower; // its input quantiser only: post-training quantisation has the options above
        double effort = 1.0;
        std::string method = "best"; // one model at a time: report greedy and spectral clustering
        bool noTlmac = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd
        = app.add_subcommand("analyze", "Per-layer weight statistics and the cost of every hardware template");
    cmd->add_option("model", o->model, "ONNX / QONNX model (optional with --project)");
    cmd->add_option("--set", o->sets,
        "Override LAYER.KEY=VALUE (KEY: wbits, abits, scheme=uniform|pow2, template, group, tables=FILE.json; "
        "LAYER '*' = all)");
    cmd->add_option("--project", o->project, "A .luthier project: model, overrides, K, P and dataset");
    cmd->add_flag("--json", o->json, "Print JSON instead of tables");
    cmd->add_option("--inputs", o->inputs, "Input samples (.npy/.csv) for accuracy and calibration");
    cmd->add_option("--labels", o->labels, "Labels (.npy/.csv) for accuracy");
    cmd->add_option("--group", o->groupSize, "Group size G for every layer (0: kernel width, or 3)")
        ->capture_default_str();
    CLI::Option* lutOption
        = cmd->add_option("--lut-inputs", o->lutInputs, "LUT inputs K (6: Xilinx, 4: iCE40)")->capture_default_str();
    CLI::Option* parallelOption
        = cmd->add_option("--parallel", o->parallel, "Parallel outputs P of TLMAC and lanes of folded MACs")
              ->capture_default_str();
    cmd->add_option("--ptq-wbits", o->ptqWeightBits, "Weight bits for float models")->capture_default_str();
    cmd->add_option("--ptq-abits", o->ptqActivationBits, "Activation bits for float models")->capture_default_str();
    CLI::Option* effortOption
        = cmd->add_option("--tlmac-effort", o->effort, "TLMAC annealing effort (1: >= 1e5 moves per layer)")
              ->capture_default_str();
    cmd->add_option("--tlmac-method", o->method, "TLMAC clustering: best, greedy, spectral")->capture_default_str();
    cmd->add_flag("--no-tlmac", o->noTlmac, "Skip TLMAC planning (faster; no TLMAC cost)");
    cmd->add_option("--threads", o->threads, "Worker threads of the accuracy runs (0: all cores)");
    addInputQuantiserOptions(cmd, o->lower.inputBits, o->lower.inputFractionBits);
    cmd->callback([o, cmd, lutOption, parallelOption, effortOption] {
        // The project first, then every flag the user gave on top of it.
        pipeline::Options options;
        if (!o->project.empty()) options = pipeline::fromProject(project::loadProject(o->project));
        if (!o->model.empty()) options.modelPath = o->model;
        if (!o->inputs.empty()) {
            options.datasetInputs = o->inputs;
            options.datasetLabels = o->labels;
        }
        if (o->project.empty() || lutOption->count()) options.lutInputs = o->lutInputs;
        if (o->project.empty() || parallelOption->count()) options.parallelism = o->parallel;
        if (o->project.empty() || effortOption->count()) options.effort = o->effort;
        if (o->project.empty() || cmd->count("--input-bits")) options.lowering.inputBits = o->lower.inputBits;
        if (o->project.empty() || cmd->count("--input-frac"))
            options.lowering.inputFractionBits = o->lower.inputFractionBits;
        options.groupSize = o->groupSize;
        options.lowering.ptqWeightBits = o->ptqWeightBits;
        options.ptqActivationBits = o->ptqActivationBits;
        for (const auto& [name, ov] : quant::parseAssignments(o->sets))
            quant::mergeOverride(options.overrides[name], ov);
        if (options.modelPath.empty()) throw Error("analyze: give a MODEL or a --project that names one");

        TerminalProgress progress;
        pipeline::Pipeline build(options);
        analysis::AnalysisOptions analysisOptions = build.analysisOptions(progress);
        analysisOptions.planTlmac = !o->noTlmac;
        if (o->method == "greedy")
            analysisOptions.tlmac.method = arch::tlmac::ClusterMethod::Greedy;
        else if (o->method == "spectral")
            analysisOptions.tlmac.method = arch::tlmac::ClusterMethod::Spectral;
        else if (o->method == "best")
            analysisOptions.tlmac.method = arch::tlmac::ClusterMethod::Best;
        else
            throw Error("--tlmac-method: '" + o->method + "' is not best, greedy or spectral");
        // analyze's own clustering method and TLMAC switch sit outside the pipeline's options: only the statistics
        // depend on them, so they are applied to the analysis directly.
        analysis::ModelStats stats = analysis::analyseGraph(*build.graph(progress), analysisOptions, progress);
        const std::vector<std::string>& notes = build.notes(progress);
        stats.notes.insert(stats.notes.begin(), notes.begin(), notes.end());

        nlohmann::json accuracy;
        const auto data = build.inputs(progress);
        if (data && !options.datasetLabels.empty()) {
            const std::vector<int64_t> labels = sim::loadLabels(options.datasetLabels, data->count);
            // Baseline: the model as imported (float models with the same post-training defaults, no user choices,
            // the default input quantiser).
            pipeline::Options asImported = options;
            asImported.overrides.clear();
            asImported.lowering.inputBits = quant::LowerOptions {}.inputBits;
            asImported.lowering.inputFractionBits = quant::LowerOptions {}.inputFractionBits;
            pipeline::Pipeline baseline = build.variant(asImported); // shares the model, inputs and calibration
            const analysis::Accuracy before = analysis::measureAccuracy(
                *baseline.graph(progress), *data, labels, progress, o->threads, baseline.options().lowering);
            const analysis::Accuracy after = analysis::measureAccuracy(
                *build.graph(progress), *data, labels, progress, o->threads, options.lowering);
            accuracy = { { "baseline", analysis::toJson(before) }, { "overridden", analysis::toJson(after) } };
        }
        const quant::Overrides& appliedOverrides = build.appliedOverrides(progress);

        if (o->json) {
            nlohmann::json j = analysis::toJson(stats);
            nlohmann::json applied = nlohmann::json::object();
            for (const auto& [name, ov] : appliedOverrides) {
                nlohmann::json e = nlohmann::json::object();
                if (ov.weightBits) e["wbits"] = *ov.weightBits;
                if (ov.activationBits) e["abits"] = *ov.activationBits;
                if (ov.weightScheme)
                    e["scheme"] = *ov.weightScheme == ir::WeightScheme::PowerOfTwo ? "pow2" : "uniform";
                if (ov.templateKind) e["template"] = std::string(ir::toString(*ov.templateKind));
                if (ov.groupSize) e["group"] = *ov.groupSize;
                applied[name] = e;
            }
            j["overrides"] = applied;
            j["options"] = { { "lutInputs", analysisOptions.lutInputs }, { "parallelism", analysisOptions.parallelism },
                { "groupSize", analysisOptions.groupSize }, { "tlmacEffort", analysisOptions.tlmac.effort } };
            if (!accuracy.is_null()) j["accuracy"] = accuracy;
            util::writeStdout(util::dumpJson(j, 2) + "\n");
            return;
        }
        std::printf("%s: %zu weight layers, K=%d, P=%d\n", stats.model.c_str(), stats.layers.size(),
            analysisOptions.lutInputs, analysisOptions.parallelism);
        for (const auto& l : stats.layers)
            printLayer(l);
        std::printf("\ntotals (layers one after another; * = selected per layer)\n");
        printCostHeader();
        for (const auto& c : stats.totals)
            printCostRow(c, false, !c.available);
        std::printf("    %-10s %10lld %9lld %5lld %7.1f %11lld\n", "selected",
            static_cast<long long>(stats.selectedTotal.lut), static_cast<long long>(stats.selectedTotal.ff),
            static_cast<long long>(stats.selectedTotal.dsp), stats.selectedTotal.bram,
            static_cast<long long>(stats.selectedTotal.cycles));
        if (!accuracy.is_null()) {
            std::printf("\naccuracy on %lld samples (top-1, float reference / integer golden model)\n",
                static_cast<long long>(accuracy["baseline"]["samples"].get<int64_t>()));
            std::printf("    as imported      %6.2f %% / %6.2f %%\n",
                100 * accuracy["baseline"]["floatAccuracy"].get<double>(),
                100 * accuracy["baseline"]["intAccuracy"].get<double>());
            std::printf("    with overrides   %6.2f %% / %6.2f %%\n",
                100 * accuracy["overridden"]["floatAccuracy"].get<double>(),
                100 * accuracy["overridden"]["intAccuracy"].get<double>());
        }
        for (const std::string& note : stats.notes)
            std::printf("note: %s\n", note.c_str());
    });
}

} // namespace luthier::cli
