// luthier-cli run MODEL --inputs X.npy --out Y.npy [--integer|--float] [--json FILE]: execute the integer golden
// model (default) or the float reference on a dataset and save the first output. `-` reads the inputs from
// standard input and writes an output to standard output.

#include "commands.h"
#include "console.h"
#include "json_output.h"
#include "model_run_options.h"
#include "pipeline/pipeline.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "sim/npy.h"
#include "std_streams.h"
#include "util/error.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace luthier::cli {

void addRunCommand(CLI::App& app, Context&)
{
    struct Options : ModelRunOptions {
        std::string out, outInts, json;
        bool integer = false, floating = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("run", "Run the integer golden model or the float reference on a dataset");
    addModelInputOptions(cmd, *o);
    cmd->add_option(
           "--out", o->out, "Output values (.npy float32; dequantised for the integer model; '-': standard output)")
        ->required();
    cmd->add_option(
        "--out-ints", o->outInts, "Integer model only: the output integers (.npy int64; '-': standard output)");
    auto* integer = cmd->add_flag("--integer", o->integer, "Run the integer golden model (default)");
    cmd->add_flag("--float", o->floating, "Run the float reference")->excludes(integer);
    addLoweringOptions(cmd, *o);
    addJsonOption(cmd, o->json);
    cmd->callback([o] {
        if (int(o->out == "-") + int(o->outInts == "-") + int(o->json == "-") > 1)
            throw Error("only one of --out, --out-ints and --json can be '-' (standard output)");
        if (o->floating && !o->outInts.empty()) throw Error("--out-ints needs the integer model");
        const OutputPath out(o->out);
        const OutputPath outInts(o->outInts);
        claimJsonStdout(o->json);
        pipeline::Pipeline build(pipelineOptions(*o));
        Progress none;
        const ir::Graph& graph = *build.imported(none);
        const sim::Dataset& data = *build.inputs(none);
        sim::RunOptions run;
        run.threads = o->threads;
        const auto start = std::chrono::steady_clock::now();
        sim::RunResult result;
        if (o->floating) {
            result = sim::runFloat(graph, data, run);
        } else {
            const quant::IntGraph& ig = *build.ints(none);
            for (const std::string& text : build.notes(none))
                note("%s", text.c_str());
            for (const std::string& text : ig.notes)
                note("%s", text.c_str());
            result = sim::runInteger(ig, data, run);
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const sim::OutputTensor& values = result.outputs.at(0);
        std::vector<int64_t> shape { result.count };
        shape.insert(shape.end(), values.shape.begin(), values.shape.end());
        sim::writeNpy(out.path(), shape, std::vector<float>(values.values.begin(), values.values.end()));
        out.finish();
        if (!o->outInts.empty()) {
            sim::writeNpy(outInts.path(), shape, values.ints);
            outInts.finish();
        }
        report("%s: %lld samples through the %s model in %.3f s -> %s %s\n", graph.name.c_str(),
            static_cast<long long>(result.count), o->floating ? "float" : "integer", seconds, o->out.c_str(),
            ir::toString(shape).c_str());
        writeJson(o->json, "run",
            { { "model", graph.name }, { "modelFile", o->model }, { "executor", o->floating ? "float" : "integer" },
                { "samples", result.count }, { "outputShape", shape }, { "out", o->out },
                { "outInts", o->outInts.empty() ? nlohmann::json() : nlohmann::json(o->outInts) },
                { "seconds", seconds } });
    });
}

} // namespace luthier::cli
