#include "ir/summary.h"

#include <nlohmann/json.hpp>

namespace luthier::ir {

std::vector<LayerSummary> summarise(const Graph& graph)
{
    std::vector<LayerSummary> rows;
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        const Layer& l = graph.layers[i];
        LayerSummary s;
        s.index = int(i);
        s.name = l.name;
        s.kind = toString(l.kind);
        s.opType = l.opType;
        for (int in : l.inputs) {
            s.inputs.push_back(graph.layers[size_t(in)].name);
            s.inputShapes.push_back(graph.layers[size_t(in)].outShape);
        }
        s.outputShape = l.outShape;
        s.weights = hasWeights(l.kind) ? l.weightQuant.describe() : "-";
        s.perChannelWeights = hasWeights(l.kind) && l.weightQuant.perChannel();
        const QuantSpec* q = l.outputQuant();
        s.activation = q ? q->describe() : "-";
        for (const auto& op : l.epilogue)
            s.epilogue.push_back(op.name());
        s.parameters = l.parameterCount();
        s.macs = l.macs();
        s.finnPe = l.finnPe;
        s.finnSimd = l.finnSimd;
        rows.push_back(std::move(s));
    }
    return rows;
}

nlohmann::json summaryJson(const Graph& graph)
{
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerSummary& s : summarise(graph)) {
        layers.push_back({ { "index", s.index }, { "name", s.name }, { "kind", s.kind }, { "op_type", s.opType },
            { "inputs", s.inputs }, { "input_shapes", s.inputShapes }, { "output_shape", s.outputShape },
            { "weights", s.weights }, { "per_channel_weights", s.perChannelWeights }, { "activation", s.activation },
            { "epilogue", s.epilogue }, { "parameters", s.parameters }, { "macs", s.macs } });
        if (s.finnPe > 0) layers.back()["finn_folding"] = { { "pe", s.finnPe }, { "simd", s.finnSimd } };
    }
    return { { "model", graph.name }, { "source", graph.sourcePath }, { "input", graph.inputName },
        { "input_shape", graph.inputShape }, { "outputs", graph.outputs }, { "layers", layers },
        { "notes", graph.notes },
        { "totals",
            { { "layers", graph.layers.size() }, { "parameters", graph.totalParameters() },
                { "macs", graph.totalMacs() } } } };
}

} // namespace luthier::ir
