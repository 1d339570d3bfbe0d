#include "rtl/golden_vectors.h"

#include "quant/int_graph.h"
#include "sim/int_executor.h"
#include "util/error.h"

#include <algorithm>

namespace luthier::rtl {

TestVectors goldenVectors(const quant::IntGraph& graph, const arch::HwDesign& design, const sim::Dataset& inputs,
    int64_t maxCount, Progress* progress)
{
    sim::Dataset subset = inputs;
    if (maxCount >= 0 && maxCount < subset.count) {
        subset.count = maxCount;
        subset.data.resize(size_t(maxCount * subset.sampleSize()));
    }
    const sim::IntExecutor executor(graph);
    Progress none;
    const sim::RunResult result = executor.run(subset, {}, progress ? *progress : none);
    if (result.outputs.size() != 1)
        throw Error("golden model returned " + std::to_string(result.outputs.size()) + " outputs, the design has one");
    const sim::OutputTensor& out = result.outputs[0];
    const int64_t perSample = ir::elementCount(out.shape);
    // With the argmax block the design outputs one class index: the model's class, the argmax of its real outputs.
    const arch::HwLayer& lastLayer = design.layers.back();
    const int64_t designValues = lastLayer.argmax ? lastLayer.argmax->count : design.outputCount;
    if (perSample != designValues || int64_t(out.ints.size()) != perSample * subset.count)
        throw Error("golden model output has " + std::to_string(perSample) + " values per sample, the design "
            + std::to_string(designValues));

    // The format of the design output when it is requantised codes.
    const quant::IntFormat* outFormat = nullptr;
    if (!design.outputSigned && !lastLayer.argmax) {
        const auto& last = graph.layers[size_t(design.layers.back().source)];
        outFormat = last.outFormat();
        if (!outFormat) throw Error("the design's last layer has no output format");
    }

    TestVectors v;
    v.inputCount = design.inputCount;
    v.outputCount = design.outputCount;
    v.inputs.reserve(size_t(subset.count * v.inputCount));
    for (int64_t s = 0; s < subset.count; ++s) {
        const std::vector<int64_t> q = executor.quantiseInput(subset.sample(s));
        if (int64_t(q.size()) != v.inputCount)
            throw Error("golden model input has " + std::to_string(q.size()) + " values, the design "
                + std::to_string(v.inputCount));
        for (int64_t value : q)
            v.inputs.push_back(graph.inputFormat.codeOf(value));
    }
    if (lastLayer.argmax) {
        for (int64_t s = 0; s < subset.count; ++s) {
            const double* row = out.values.data() + s * perSample;
            v.expected.push_back(int64_t(std::max_element(row, row + perSample) - row)); // first maximum
        }
        return v;
    }
    v.expected.reserve(out.ints.size());
    for (int64_t value : out.ints)
        v.expected.push_back(outFormat ? int64_t(outFormat->codeOf(value)) : value);
    return v;
}

} // namespace luthier::rtl
