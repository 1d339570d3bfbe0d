#pragma once
// What `run` and `eval` share: a model executed on a dataset. The positional model, --inputs, --threads and
// the options that say how a model is lowered to integers (the input quantiser inserted when the model has
// none, post-training quantisation of float weights and activations).

#include "ir/graph.h"
#include "quant/int_graph.h"
#include "quant/lower.h"
#include "sim/dataset.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace luthier::cli {

struct ModelRunOptions {
    std::string model, inputs;
    int threads = 0;
    quant::LowerOptions lower;
    int ptqActivationBits = 0;
};

// Register the options on `cmd`; `options` must outlive the parse (commands keep it in a shared_ptr). Two
// calls, so that a command's own options can sit between the model and its inputs (first) and the lowering
// options (last) in --help, as they always have.
void addModelInputOptions(CLI::App* cmd, ModelRunOptions& options); // MODEL, --inputs
void addLoweringOptions(CLI::App* cmd, ModelRunOptions& options); // --threads, --input-*, --ptq-*
// --input-bits and --input-frac alone, for the commands that lower without running (compile, analyze), so that
// every command takes the inserted input quantiser under the same names.
void addInputQuantiserOptions(CLI::App* cmd, int& bits, int& fractionBits);

// The integer model and the graph it was lowered from. IntGraph::source points to that graph, which is kept
// on the heap so that the pointer stays valid when the result is moved.
struct LoweredModel {
    std::unique_ptr<const ir::Graph> graph;
    quant::IntGraph ints;
};

// The integer model of `graph` as the options ask: lowered as imported, or after post-training quantisation
// calibrated on `data` when the options request it and the graph has float parts. Notes from both steps
// are in the integer model's notes, preparation first.
LoweredModel lowerForRun(const ir::Graph& graph, const sim::Dataset& data, const ModelRunOptions& options);

} // namespace luthier::cli
