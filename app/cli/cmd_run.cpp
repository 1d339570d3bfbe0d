// luthier-cli run MODEL --inputs X.npy --out Y.npy [--integer|--float]: execute the integer golden
// model (default) or the float reference on a dataset and save the first output.

#include "commands.h"
#include "model_run_options.h"
#include "pipeline/pipeline.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "sim/npy.h"
#include "util/error.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace luthier::cli {

void addRunCommand(CLI::App& app, Context&)
{
    struct Options : ModelRunOptions {
        std::string out, outInts;
        bool integer = false, floating = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("run", "Run the integer golden model or the float reference on a dataset");
    addModelInputOptions(cmd, *o);
    cmd->add_option("--out", o->out, "Output values (.npy float32; dequantised for the integer model)")->required();
    cmd->add_option("--out-ints", o->outInts, "Integer model only: the output integers (.npy int64)");
    auto* integer = cmd->add_flag("--integer", o->integer, "Run the integer golden model (default)");
    cmd->add_flag("--float", o->floating, "Run the float reference")->excludes(integer);
    addLoweringOptions(cmd, *o);
    cmd->callback([o] {
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
            for (const std::string& note : build.notes(none))
                std::fprintf(stderr, "note: %s\n", note.c_str());
            for (const std::string& note : ig.notes)
                std::fprintf(stderr, "note: %s\n", note.c_str());
            result = sim::runInteger(ig, data, run);
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const sim::OutputTensor& out = result.outputs.at(0);
        std::vector<int64_t> shape { result.count };
        shape.insert(shape.end(), out.shape.begin(), out.shape.end());
        sim::writeNpy(o->out, shape, std::vector<float>(out.values.begin(), out.values.end()));
        if (!o->outInts.empty()) {
            if (o->floating) throw Error("--out-ints needs the integer model");
            sim::writeNpy(o->outInts, shape, out.ints);
        }
        std::printf("%s: %lld samples through the %s model in %.3f s -> %s %s\n", graph.name.c_str(),
            static_cast<long long>(result.count), o->floating ? "float" : "integer", seconds, o->out.c_str(),
            ir::toString(shape).c_str());
    });
}

} // namespace luthier::cli
