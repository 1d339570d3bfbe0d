#include "model_run_options.h"

#include "std_streams.h"

namespace luthier::cli {

void addModelInputOptions(CLI::App* cmd, ModelRunOptions& o)
{
    cmd->add_option("model", o.model, "ONNX / QONNX model file")->required();
    cmd->add_option("--inputs", o.inputs, "Input samples (.npy or .csv, batch first; '-': standard input)")->required();
}

void addInputQuantiserOptions(CLI::App* cmd, int& bits, int& fractionBits)
{
    cmd->add_option("--input-bits", bits, "Bits of the input quantiser inserted when the model has none")
        ->capture_default_str();
    cmd->add_option("--input-frac", fractionBits, "Fraction bits of that inserted input quantiser")
        ->capture_default_str();
}

void addLoweringOptions(CLI::App* cmd, ModelRunOptions& o)
{
    cmd->add_option("--threads", o.threads, "Worker threads (0: all cores)");
    addInputQuantiserOptions(cmd, o.lower.inputBits, o.lower.inputFractionBits);
    cmd->add_option("--ptq-weight-bits", o.lower.ptqWeightBits,
        "Post-training quantisation: bits for float weights (0: float weights are an error)");
    cmd->add_option("--ptq-activation-bits", o.ptqActivationBits,
        "Post-training quantisation: bits for float hidden activations, ranges calibrated on the inputs");
}

pipeline::Options pipelineOptions(const ModelRunOptions& o)
{
    pipeline::Options options;
    options.modelPath = o.model;
    options.datasetInputs = inputPath(o.inputs);
    options.lowering = o.lower;
    options.ptqActivationBits = o.ptqActivationBits;
    return options;
}

} // namespace luthier::cli
