// luthier-cli compile [MODEL] -o DIR [--project P] [--template T] [--set LAYER.KEY=VALUE] [--inputs FILE]
// [--vectors N] [--seed S] [--effort E] [--lut-inputs K] [--group G] [--parallel P] [--pipeline L]
// [--lut-na-chunk k] [--argmax] [--input-bits B] [--input-frac F]: import, apply the project's and --set
// overrides, lower to integers (a float model input through the B-bit quantiser), map every layer onto its
// template (--template for all layers; a per-layer "template" override wins), write Verilog, ROMs, manifest
// and golden-model test vectors into DIR. A project supplies the model, overrides, K, P,
// effort and dataset; command-line flags win over it.

#include "commands.h"
#include "console.h"
#include "json_output.h"
#include "model_run_options.h"
#include "pipeline/design_folder.h"
#include "project/project_file.h"
#include "std_streams.h"
#include "terminal_progress.h"
#include "util/error.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace luthier::cli {

namespace {

// --template NAME into the options: one template for every layer, or auto (chosen per layer).
void setTemplate(pipeline::Options& options, const std::string& name)
{
    options.chooseTemplate = name == "auto";
    if (options.chooseTemplate) return;
    if (const auto kind = ir::templateFromString(name)) {
        options.defaultTemplate = *kind;
        return;
    }
    throw Error("--template: '" + name
        + "' is not one of tlmac, dsp, shift-add, unrolled, lut-dense, lut-na, adder-graph, auto");
}

} // namespace

void addCompileCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string model, out, inputs, project;
        int64_t vectors = -1;
        uint64_t seed = 1;
        double effort = 1.0;
        int lutInputs = 6, group = 3, parallel = 64, pipeline = 2, lutNaChunk = 0;
        int adderDepth = 0;
        int64_t initiationInterval = 0;
        quant::LowerOptions lower;
        bool argmax = false;
        std::string templateName = "tlmac";
        std::vector<std::string> sets;
        std::string json;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("compile", "Compile a quantised model into Verilog with test vectors");
    cmd->add_option("model", o->model, "ONNX / QONNX model file (default: the project's model)");
    cmd->add_option(
        "--project", o->project, "A .luthier project: model, per-layer overrides, compiler options, dataset");
    cmd->add_option("-o,--output", o->out, "Design folder to write")->required();
    cmd->add_option("--set", o->sets,
        "Override LAYER.KEY=VALUE (KEY: wbits, abits, scheme=uniform|pow2, template, group, tables=FILE.json; "
        "LAYER '*' = all); "
        "wins over the project");
    cmd->add_option("--inputs", o->inputs, "Float inputs (.npy/.csv) for the golden-model test vectors");
    cmd->add_option("--vectors", o->vectors, "Number of test vectors (default: every input)");
    cmd->add_option("--seed", o->seed, "Seed of clustering and annealing (same seed, same files)");
    cmd->add_option("--effort", o->effort, "Annealing / refinement effort multiplier")->check(CLI::Range(0.01, 100.0));
    cmd->add_option("--lut-inputs", o->lutInputs, "LUT inputs K of the target (6: Xilinx, 4: iCE40/ECP5)");
    cmd->add_option("--group", o->group, "Weight group size G");
    cmd->add_option("--parallel", o->parallel, "Parallel outputs P per step (TLMAC) / MAC lanes (dsp, shift-add)");
    cmd->add_option("--template", o->templateName,
           "Template of every layer: tlmac, dsp, shift-add, unrolled, lut-dense, lut-na, adder-graph, or auto (per "
           "layer the fewest estimated LUTs meeting --initiation-interval); a project's per-layer template wins")
        ->capture_default_str();
    cmd->add_option("--initiation-interval", o->initiationInterval,
           "With --template auto: cycles between inputs every layer's datapath must accept (0: any)")
        ->check(CLI::Range(int64_t(0), int64_t(1) << 40));
    cmd->add_option("--pipeline", o->pipeline,
           "Adder levels between pipeline registers (unrolled, lut-dense, lut-na, adder-graph; 0: none)")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    cmd->add_option(
           "--adder-depth", o->adderDepth, "Adder-graph template: most adders from input to output (0: no bound)")
        ->check(CLI::Range(0, 64));
    cmd->add_flag("--argmax", o->argmax, "Add the argmax output block: the design outputs the class index");
    cmd->add_option("--lut-na-chunk", o->lutNaChunk, "LUT-NA activation chunk bits k (default: cheapest per layer)")
        ->check(CLI::Range(1, 16));
    addInputQuantiserOptions(cmd, o->lower.inputBits, o->lower.inputFractionBits);
    addJsonOption(cmd, o->json);
    cmd->callback([o, cmd] {
        claimJsonStdout(o->json);
        const auto start = std::chrono::steady_clock::now();
        // The project first, then every flag the user gave on top of it.
        pipeline::Options options;
        if (!o->project.empty()) options = pipeline::fromProject(project::loadProject(o->project));
        if (!o->model.empty()) options.modelPath = o->model;
        if (!o->inputs.empty()) options.datasetInputs = inputPath(o->inputs);
        if (o->project.empty() || cmd->count("--lut-inputs")) options.lutInputs = o->lutInputs;
        if (o->project.empty() || cmd->count("--parallel")) options.parallelism = o->parallel;
        if (o->project.empty() || cmd->count("--effort")) options.effort = o->effort;
        if (o->project.empty() || cmd->count("--input-bits")) options.lowering.inputBits = o->lower.inputBits;
        if (o->project.empty() || cmd->count("--input-frac"))
            options.lowering.inputFractionBits = o->lower.inputFractionBits;
        options.groupSize = o->group;
        options.seed = o->seed;
        options.pipelineEvery = o->pipeline;
        options.lutNaChunk = o->lutNaChunk;
        options.adderDepth = o->adderDepth;
        options.argmax = o->argmax;
        setTemplate(options, o->templateName);
        if (cmd->count("--initiation-interval") && !options.chooseTemplate)
            throw Error("--initiation-interval: only with --template auto");
        options.initiationInterval = o->initiationInterval;
        for (const auto& [name, ov] : quant::parseAssignments(o->sets))
            quant::mergeOverride(options.overrides[name], ov);
        if (options.modelPath.empty()) throw Error("compile: give a MODEL or a --project that names one");

        const std::string inputs = options.datasetInputs;
        pipeline::Pipeline build(std::move(options));
        TerminalProgress progress;
        const pipeline::WrittenDesign written = pipeline::writeDesignFolder(build, o->out, o->vectors, progress);
        const arch::HwDesign& design = *written.design;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        report("%s -> %s (top %s, K=%d)\n", build.graph(progress)->name.c_str(), o->out.c_str(), design.top.c_str(),
            design.lutInputs);
        report("%-24s %-16s %6s %6s %8s %8s %5s %8s %8s\n", "layer", "template", "in", "out", "LUT", "FF", "DSP",
            "latency", "interval");
        for (const auto& layer : design.layers) {
            std::string kind = layer.argmax ? "argmax" : std::string(ir::toString(layer.kind));
            if (layer.dense && layer.dense->tables) kind += " learned";
            report("%-24.24s %-16s %6lld %6lld %8lld %8lld %5lld %8lld %8lld\n", layer.module.c_str(), kind.c_str(),
                (long long)layer.inputCount, (long long)layer.outputCount, (long long)layer.estimate.lut,
                (long long)layer.estimate.ff, (long long)layer.estimate.dsp, (long long)layer.cycles,
                (long long)layer.interval);
        }
        bool tlmacHeader = false;
        for (const auto& layer : design.layers) {
            if (!layer.tlmac) continue;
            if (!tlmacHeader)
                report("TLMAC %-18s %7s %6s %5s %7s %11s %11s\n", "layer", "steps", "clus", "uniq", "arrays",
                    "greedy/spec", "wires");
            tlmacHeader = true;
            const auto& p = layer.tlmac->plan;
            std::string both;
            for (const auto& c : p.clusterings)
                both += (both.empty() ? "" : "/") + std::to_string(c.arrays);
            report("      %-18.18s %7lld %6d %5zu %7d %11s %5lld>%-5lld\n", layer.module.c_str(), (long long)p.steps,
                p.clusters, p.uniqueGroups.size(), p.arrays, both.c_str(), (long long)p.wiresInitial,
                (long long)p.wiresFinal);
        }
        for (const std::string& note : design.notes)
            report("%s\n", note.c_str());
        report("total: %lld LUT, %lld FF, %lld CARRY4, %lld DSP (estimate); latency %lld cycles, a new "
               "inference every %lld cycles\n",
            (long long)design.estimate.lut, (long long)design.estimate.ff, (long long)design.estimate.carry,
            (long long)design.estimate.dsp, (long long)design.cycles, (long long)design.interval);
        if (written.vectors)
            report("test vectors: %lld from %s (golden model)\n", (long long)written.vectors, inputs.c_str());
        else
            report("no test vectors written: pass --inputs FILE to verify the design\n");
        report("compiled in %.2f s\n", seconds);

        nlohmann::json layers = nlohmann::json::array();
        for (const auto& layer : design.layers) {
            nlohmann::json l = { { "module", layer.module }, { "template", std::string(ir::toString(layer.kind)) },
                { "argmax", layer.argmax.has_value() },
                { "learnedTables", layer.dense && layer.dense->tables != nullptr }, { "inputs", layer.inputCount },
                { "outputs", layer.outputCount },
                { "estimate",
                    { { "lut", layer.estimate.lut }, { "ff", layer.estimate.ff }, { "dsp", layer.estimate.dsp } } },
                { "latencyCycles", layer.cycles }, { "intervalCycles", layer.interval } };
            if (layer.tlmac) {
                const auto& p = layer.tlmac->plan;
                l["tlmac"]
                    = { { "steps", p.steps }, { "clusters", p.clusters }, { "uniqueGroups", p.uniqueGroups.size() },
                          { "arrays", p.arrays }, { "wiresInitial", p.wiresInitial }, { "wiresFinal", p.wiresFinal } };
            }
            layers.push_back(std::move(l));
        }
        writeJson(o->json, "compile",
            { { "model", build.graph(progress)->name }, { "output", o->out }, { "top", design.top },
                { "lutInputs", design.lutInputs }, { "layers", std::move(layers) },
                { "estimate",
                    { { "lut", design.estimate.lut }, { "ff", design.estimate.ff }, { "carry", design.estimate.carry },
                        { "dsp", design.estimate.dsp } } },
                { "latencyCycles", design.cycles }, { "intervalCycles", design.interval },
                { "testVectors", written.vectors }, { "seconds", seconds } });
    });
}

} // namespace luthier::cli
