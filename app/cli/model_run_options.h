#pragma once
// What `run` and `eval` share: a model executed on a dataset. The positional model, --inputs, --threads and
// the options that say how a model is lowered to integers (the input quantiser inserted when the model has
// none, post-training quantisation of float weights and activations).

#include "pipeline/options.h"
#include "quant/lower.h"

#include <CLI/CLI.hpp>
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

// The pipeline options these flags describe: the model, its inputs as the dataset, the lowering and the
// post-training quantisation (calibrated on the inputs when the model has float parts).
pipeline::Options pipelineOptions(const ModelRunOptions& options);

} // namespace luthier::cli
