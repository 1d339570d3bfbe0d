#include "model_run_options.h"

#include "quant/ptq.h"
#include "sim/calibration.h"
#include "util/progress.h"

namespace luthier::cli {

void addModelInputOptions(CLI::App* cmd, ModelRunOptions& o)
{
    cmd->add_option("model", o.model, "ONNX / QONNX model file")->required();
    cmd->add_option("--inputs", o.inputs, "Input samples (.npy or .csv, batch first)")->required();
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

LoweredModel lowerForRun(const ir::Graph& graph, const sim::Dataset& data, const ModelRunOptions& o)
{
    quant::PreparedGraph prepared { graph, {}, {} };
    if ((o.lower.ptqWeightBits > 0 || o.ptqActivationBits > 0) && quant::needsPostTraining(graph)) {
        Progress none;
        prepared = quant::prepareGraph(
            graph, {}, o.lower.ptqWeightBits, o.ptqActivationBits, sim::calibrateRanges(graph, data, none));
    }
    LoweredModel lowered;
    lowered.graph = std::make_unique<const ir::Graph>(std::move(prepared.graph));
    lowered.ints = quant::lowerToInteger(*lowered.graph, o.lower);
    lowered.ints.notes.insert(lowered.ints.notes.begin(), prepared.notes.begin(), prepared.notes.end());
    return lowered;
}

} // namespace luthier::cli
