// luthier-cli tables [MODEL] --layer L -o FILE [--project P] [--set LAYER.KEY=VALUE]: write the LUT-Dense tables
// of Dense layer L as a learned-tables document (docs/learned-tables.md). Without learned tables of its own the
// layer's tables are its exact products on its accumulator scale, so loading the file back (`--set L.tables=FILE`
// or a project's overrides.L.tables) changes nothing until someone edits or retrains the entries.

#include "commands.h"
#include "console.h"
#include "pipeline/pipeline.h"
#include "project/project_file.h"
#include "quant/exact_product_tables.h"
#include "quant/learned_tables_io.h"
#include "quant/overrides.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <cstdio>
#include <memory>

namespace luthier::cli {

void addTablesCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string model, project, layer, out;
        std::vector<std::string> sets;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd
        = app.add_subcommand("tables", "Write a Dense layer's LUT-Dense tables as a learned-tables JSON file");
    cmd->add_option("model", o->model, "ONNX / QONNX model file (default: the project's model)");
    cmd->add_option("--project", o->project, "A .luthier project: model and per-layer overrides");
    cmd->add_option("--layer", o->layer, "The Dense layer, named as `luthier-cli inspect` prints it")->required();
    cmd->add_option("-o,--output", o->out, "The .json file to write")->required();
    cmd->add_option("--set", o->sets, "Override LAYER.KEY=VALUE as in compile (e.g. L.wbits=3); wins over the project");
    cmd->callback([o] {
        pipeline::Options options;
        if (!o->project.empty()) options = pipeline::fromProject(project::loadProject(o->project));
        if (!o->model.empty()) options.modelPath = o->model;
        if (options.modelPath.empty()) throw Error("tables: give a MODEL or a --project that names one");
        for (const auto& [name, ov] : quant::parseAssignments(o->sets))
            quant::mergeOverride(options.overrides[name], ov);
        pipeline::Pipeline build(std::move(options));
        Progress none;
        const ir::Graph& graph = *build.graph(none);
        int index = -1;
        std::string dense;
        for (size_t i = 0; i < graph.layers.size(); ++i) {
            if (graph.layers[i].name == o->layer) index = int(i);
            if (graph.layers[i].kind == ir::LayerKind::Dense)
                dense += (dense.empty() ? "" : ", ") + graph.layers[i].name;
        }
        if (index < 0)
            throw Error(
                "tables: model '" + graph.name + "' has no layer '" + o->layer + "' (Dense layers: " + dense + ")");
        const quant::IntGraph& ints = *build.ints(none);
        const quant::IntLayer& layer = ints.layers[size_t(index)];
        ir::LearnedTables tables = layer.tables ? *layer.tables : quant::exactProductTables(ints, index);
        tables.layer = o->layer;
        util::writeFileAtomic(o->out, quant::learnedTablesText(tables));
        int64_t present = 0;
        for (uint8_t p : tables.present)
            present += p;
        report("%s: %lld of %lld x %lld tables of 2^%d entries (%s) -> %s\n", o->layer.c_str(), (long long)present,
            (long long)tables.outputs, (long long)tables.inputs, tables.inputBits,
            layer.tables ? ("learned, from " + layer.tables->origin).c_str() : "the layer's exact products",
            o->out.c_str());
    });
}

} // namespace luthier::cli
