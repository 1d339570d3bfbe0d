// luthier-cli inspect MODEL [--json]: the imported layer list with shapes, bit-widths, parameters, MACs.

#include "commands.h"
#include "ir/summary.h"
#include "onnx/importer.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::cli {

namespace {

std::string joinShapes(const std::vector<ir::Shape>& shapes)
{
    std::string s;
    for (const auto& shape : shapes)
        s += (s.empty() ? "" : ",") + ir::toString(shape);
    return s.empty() ? "-" : s;
}

void printTable(const ir::Graph& graph)
{
    std::printf("%s  (%s)\n", graph.name.c_str(), graph.sourcePath.c_str());
    std::printf("%-3s %-28s %-13s %-16s %-16s %-14s %-11s %10s %12s\n", "#", "layer", "kind", "input", "output",
        "weights", "activation", "params", "MACs");
    for (const auto& row : ir::summarise(graph)) {
        std::string name = row.name.size() > 28 ? "..." + row.name.substr(row.name.size() - 25) : row.name;
        std::string weights = row.weights + (row.perChannelWeights ? "/ch" : "");
        std::printf("%-3d %-28s %-13s %-16s %-16s %-14s %-11s %10lld %12lld\n", row.index, name.c_str(),
            row.kind.c_str(), joinShapes(row.inputShapes).c_str(), ir::toString(row.outputShape).c_str(),
            weights.c_str(), row.activation.c_str(), static_cast<long long>(row.parameters),
            static_cast<long long>(row.macs));
    }
    for (const auto& row : ir::summarise(graph))
        if (row.finnPe > 0)
            std::printf("finn folding: %s PE=%lld SIMD=%lld\n", row.name.c_str(), static_cast<long long>(row.finnPe),
                static_cast<long long>(row.finnSimd));
    std::printf("total: %zu layers, %lld parameters, %lld MACs per sample\n", graph.layers.size(),
        static_cast<long long>(graph.totalParameters()), static_cast<long long>(graph.totalMacs()));
    for (const auto& note : graph.notes)
        std::printf("note: %s\n", note.c_str());
}

} // namespace

void addInspectCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string model;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("inspect", "Import a model and print its layers, shapes and bit-widths");
    cmd->add_option("model", options->model, "ONNX / QONNX model file")->required();
    cmd->add_flag("--json", options->json, "Print the layer list as JSON (schema in docs/cli.md)");
    cmd->callback([options] {
        const ir::Graph graph = importer::importModel(options->model);
        if (options->json)
            util::writeStdout(util::dumpJson(ir::summaryJson(graph), 2) + "\n");
        else
            printTable(graph);
    });
}

} // namespace luthier::cli
