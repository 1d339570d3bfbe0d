#include "sim/evaluation.h"

#include "sim/dataset.h"
#include "util/error.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace luthier::sim {

int64_t countArgmaxTies(const std::vector<double>& values, int64_t samples)
{
    if (samples <= 0) return 0;
    const int64_t n = int64_t(values.size()) / samples;
    int64_t ties = 0;
    for (int64_t s = 0; s < samples; ++s) {
        const double* v = values.data() + s * n;
        const double best = v[argmax(v, n)];
        int64_t count = 0;
        for (int64_t k = 0; k < n; ++k)
            count += v[k] == best;
        ties += count > 1;
    }
    return ties;
}

Evaluation evaluate(const RunResult& f, const RunResult& q, const std::vector<int64_t>& labels, double relTolerance)
{
    if (f.outputs.empty() || q.outputs.empty() || f.count != q.count
        || f.outputs[0].values.size() != q.outputs[0].values.size())
        throw Error("evaluate: the float and integer runs do not cover the same samples and outputs");
    Evaluation e;
    e.samples = f.count;
    e.labelled = !labels.empty();
    if (e.labelled && int64_t(labels.size()) != e.samples)
        throw Error(
            "evaluate: " + std::to_string(labels.size()) + " labels for " + std::to_string(e.samples) + " samples");
    const std::vector<double>& fv = f.outputs[0].values;
    const std::vector<double>& qv = q.outputs[0].values;
    e.classes = e.samples ? int64_t(fv.size()) / e.samples : 0;
    for (int64_t s = 0; s < e.samples; ++s) {
        const int64_t fa = argmax(fv.data() + s * e.classes, e.classes);
        const int64_t qa = argmax(qv.data() + s * e.classes, e.classes);
        e.argmaxAgree += fa == qa;
        if (e.labelled) {
            e.floatCorrect += fa == labels[size_t(s)];
            e.intCorrect += qa == labels[size_t(s)];
        }
    }
    e.values = int64_t(fv.size());
    for (size_t i = 0; i < fv.size(); ++i) {
        const double d = std::fabs(fv[i] - qv[i]);
        e.maxAbsDifference = std::max(e.maxAbsDifference, d);
        e.valueMismatches += d > relTolerance * std::max(1.0, std::fabs(fv[i]));
    }
    e.floatTies = countArgmaxTies(fv, e.samples);
    e.intTies = countArgmaxTies(qv, e.samples);
    e.floatRanges = f.ranges;
    e.intRanges = q.ranges;
    return e;
}

nlohmann::json toJson(const Evaluation& e)
{
    nlohmann::json j;
    j["samples"] = e.samples;
    j["classes"] = e.classes;
    if (e.labelled) {
        j["float_accuracy"] = e.floatAccuracy();
        j["integer_accuracy"] = e.intAccuracy();
        j["float_correct"] = e.floatCorrect;
        j["integer_correct"] = e.intCorrect;
    }
    j["argmax_agreement"] = e.agreement();
    j["argmax_disagreements"] = e.samples - e.argmaxAgree;
    j["output_values"] = e.values;
    j["output_value_mismatches"] = e.valueMismatches;
    j["max_abs_difference"] = e.maxAbsDifference;
    j["float_argmax_ties"] = e.floatTies;
    j["integer_argmax_ties"] = e.intTies;
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < e.intRanges.size(); ++i) {
        const LayerRange& r = e.intRanges[i];
        nlohmann::json l { { "index", r.layer }, { "name", r.name }, { "integer_value_min", r.min },
            { "integer_value_max", r.max } };
        if (r.integer) {
            l["int_min"] = r.intMin;
            l["int_max"] = r.intMax;
        }
        if (i < e.floatRanges.size()) {
            l["float_min"] = e.floatRanges[i].min;
            l["float_max"] = e.floatRanges[i].max;
        }
        layers.push_back(l);
    }
    j["layers"] = layers;
    return j;
}

} // namespace luthier::sim
