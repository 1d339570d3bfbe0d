#include "analysis/accuracy.h"

#include "sim/evaluation.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"

namespace luthier::analysis {

Accuracy measureAccuracy(const ir::Graph& graph, const sim::Dataset& inputs, const std::vector<int64_t>& labels,
    Progress& progress, int threads, const quant::LowerOptions& lower)
{
    const quant::IntGraph ig = quant::lowerToInteger(graph, lower);
    sim::RunOptions run;
    run.threads = threads;
    const sim::RunResult f = sim::runFloat(graph, inputs, run, progress);
    const sim::RunResult q = sim::IntExecutor(ig).run(inputs, run, progress);
    const sim::Evaluation e = sim::evaluate(f, q, labels);
    Accuracy a;
    a.samples = e.samples;
    a.floatAccuracy = e.floatAccuracy();
    a.intAccuracy = e.intAccuracy();
    a.agreement = e.agreement();
    return a;
}

} // namespace luthier::analysis
