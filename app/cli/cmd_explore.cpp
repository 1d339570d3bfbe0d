// luthier-cli explore MODEL --inputs X --labels Y --wbits 1..8 [--abits 2..8] [--json]: sweeps uniform bit-widths
// over all weight layers (re-quantising the float weights each time), measures the integer golden model's accuracy
// and the LUT cost of the chosen template, and prints the accuracy-vs-LUT Pareto front. Configurations run on
// parallel threads; progress goes to stderr.

#include "analysis/accuracy.h"
#include "analysis/layer_stats.h"
#include "commands.h"
#include "onnx/importer.h"
#include "pipeline/pipeline.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/parallel.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

namespace luthier::cli {

namespace {

// "3", "1..8" or "2,4,8" (and mixes like "1,3..5").
std::vector<int> parseBitList(const std::string& text, const std::string& flag)
{
    std::vector<int> bits;
    auto number = [&](std::string_view s) {
        int v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || end != s.data() + s.size() || v < 1 || v > 16)
            throw Error(flag + ": '" + std::string(s) + "' is not a bit-width in 1..16");
        return v;
    };
    std::string_view rest = text;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const size_t dots = item.find("..");
        if (dots == std::string_view::npos) {
            bits.push_back(number(item));
        } else {
            const int lo = number(item.substr(0, dots)), hi = number(item.substr(dots + 2));
            for (int b = lo; b <= hi; ++b)
                bits.push_back(b);
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    std::sort(bits.begin(), bits.end());
    bits.erase(std::unique(bits.begin(), bits.end()), bits.end());
    if (bits.empty()) throw Error(flag + ": no bit-widths given");
    return bits;
}

struct Config {
    int wbits = 0;
    std::optional<int> abits;
    std::string error;
    arch::cost::Cost cost;
    analysis::Accuracy accuracy;
    bool pareto = false;
};

// Pareto-optimal: no other configuration has at least the accuracy with fewer LUTs, or more accuracy with as few.
void markPareto(std::vector<Config>& configs)
{
    for (Config& c : configs) {
        if (!c.error.empty()) continue;
        c.pareto = std::none_of(configs.begin(), configs.end(), [&](const Config& d) {
            if (&d == &c || !d.error.empty()) return false;
            const bool noWorse = d.accuracy.intAccuracy >= c.accuracy.intAccuracy && d.cost.lut <= c.cost.lut;
            const bool better = d.accuracy.intAccuracy > c.accuracy.intAccuracy || d.cost.lut < c.cost.lut;
            return noWorse && better;
        });
    }
}

std::string configName(const Config& c)
{
    return "w" + std::to_string(c.wbits) + (c.abits ? " a" + std::to_string(*c.abits) : std::string(" a=model"));
}

} // namespace

void addExploreCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string model, inputs, labels, wbits = "1..8", abits, scheme = "uniform", templateName = "tlmac";
        bool json = false;
        int threads = 0, lutInputs = 6, parallel = 64, ptqActivationBits = 8;
        int64_t samples = 0;
        double effort = 0.1;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("explore", "Sweep uniform bit-widths: accuracy vs LUTs and the Pareto front");
    cmd->add_option("model", o->model, "ONNX / QONNX model")->required();
    cmd->add_option("--inputs", o->inputs, "Input samples (.npy/.csv)")->required();
    cmd->add_option("--labels", o->labels, "Labels (.npy/.csv)")->required();
    cmd->add_option("--wbits", o->wbits, "Weight bit-widths: 3, 1..8 or 2,4,8")->capture_default_str();
    cmd->add_option("--abits", o->abits, "Activation bit-widths (default: keep the model's)");
    cmd->add_option("--scheme", o->scheme, "Weight scheme: uniform or pow2")->capture_default_str();
    cmd->add_option("--template", o->templateName, "Template whose LUTs are compared")->capture_default_str();
    cmd->add_option("--samples", o->samples, "Use only the first N samples (0: all)");
    cmd->add_option("--threads", o->threads, "Configurations evaluated in parallel (0: all cores)");
    cmd->add_option("--lut-inputs", o->lutInputs, "LUT inputs K")->capture_default_str();
    cmd->add_option("--parallel", o->parallel, "Parallel outputs P")->capture_default_str();
    cmd->add_option("--tlmac-effort", o->effort, "TLMAC annealing effort per configuration")->capture_default_str();
    cmd->add_option("--ptq-abits", o->ptqActivationBits, "Activation bits for float models when --abits is not given")
        ->capture_default_str();
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->callback([o] {
        const std::vector<int> wbits = parseBitList(o->wbits, "--wbits");
        std::vector<std::optional<int>> abits;
        if (o->abits.empty())
            abits.push_back(std::nullopt);
        else
            for (int b : parseBitList(o->abits, "--abits"))
                abits.push_back(b);
        const auto kind = ir::templateFromString(o->templateName);
        if (!kind)
            throw Error(
                "--template: '" + o->templateName + "' is not one of tlmac, unrolled, lutdense, shiftadd, lutna, dsp");
        if (o->scheme != "uniform" && o->scheme != "pow2")
            throw Error("--scheme: '" + o->scheme + "' is not uniform or pow2");
        const ir::WeightScheme scheme = o->scheme == "pow2" ? ir::WeightScheme::PowerOfTwo : ir::WeightScheme::Uniform;

        pipeline::Options base;
        base.modelPath = o->model;
        base.datasetInputs = o->inputs;
        base.datasetLabels = o->labels;
        base.lutInputs = o->lutInputs;
        base.parallelism = o->parallel;
        base.effort = o->effort;
        base.defaultTemplate = *kind;
        Progress quiet;
        const auto imported = std::make_shared<const ir::Graph>(importer::importModel(o->model));
        auto samples = std::make_shared<sim::Dataset>(sim::loadInputs(o->inputs, imported->layers.at(0).outShape));
        std::vector<int64_t> labels = sim::loadLabels(o->labels, samples->count);
        if (o->samples > 0 && o->samples < samples->count) {
            samples->count = o->samples;
            samples->data.resize(size_t(samples->count * samples->sampleSize()));
            labels.resize(size_t(samples->count));
        }
        const sim::Dataset& data = *samples;
        pipeline::Pipeline sweep(base, imported, std::move(samples));
        sweep.calibration(quiet); // once, shared by every configuration's pipeline

        std::vector<Config> configs;
        for (int w : wbits)
            for (const auto& a : abits)
                if (!(scheme == ir::WeightScheme::PowerOfTwo && w < 2)) {
                    Config c;
                    c.wbits = w;
                    c.abits = a;
                    configs.push_back(c);
                }

        std::mutex printMutex;
        size_t finished = 0;
        util::parallelBlocks(int64_t(configs.size()), 1, util::workerCount(o->threads, int64_t(configs.size())), quiet,
            "exploring", [&](int, int64_t i, int64_t) {
                Config& c = configs[size_t(i)];
                try {
                    pipeline::Options options = base;
                    options.overrides[quant::kAllLayers].weightBits = c.wbits;
                    options.overrides[quant::kAllLayers].weightScheme = scheme;
                    if (c.abits) options.overrides[quant::kAllLayers].activationBits = c.abits;
                    options.lowering.ptqWeightBits = c.wbits;
                    options.ptqActivationBits = c.abits.value_or(o->ptqActivationBits);
                    pipeline::Pipeline point = sweep.variant(std::move(options));
                    Progress silent;
                    // The sweep compares configurations: the selected template only, greedy clustering, fast.
                    analysis::AnalysisOptions analysisOptions = point.analysisOptions(silent);
                    analysisOptions.planTlmac = *kind == ir::TemplateKind::Tlmac;
                    analysisOptions.mapSelectedOnly = true;
                    analysisOptions.tlmac.method = arch::tlmac::ClusterMethod::Greedy;
                    const ir::Graph& graph = *point.graph(silent);
                    c.cost = analysis::analyseGraph(graph, analysisOptions, silent).selectedTotal;
                    c.accuracy = analysis::measureAccuracy(graph, data, labels, silent, 1);
                } catch (const Error& e) {
                    c.error = e.what();
                }
                std::lock_guard lock(printMutex);
                ++finished;
                if (c.error.empty())
                    std::fprintf(stderr, "[%zu/%zu] %s: %.2f %% top-1, %lld LUT\n", finished, configs.size(),
                        configName(c).c_str(), 100 * c.accuracy.intAccuracy, static_cast<long long>(c.cost.lut));
                else
                    std::fprintf(
                        stderr, "[%zu/%zu] %s: %s\n", finished, configs.size(), configName(c).c_str(), c.error.c_str());
            });
        markPareto(configs);

        if (o->json) {
            nlohmann::json list = nlohmann::json::array();
            for (const Config& c : configs) {
                nlohmann::json j = { { "wbits", c.wbits }, { "scheme", o->scheme } };
                j["abits"] = c.abits ? nlohmann::json(*c.abits) : nlohmann::json("model");
                if (!c.error.empty()) {
                    j["error"] = c.error;
                } else {
                    j.update(
                        { { "lut", c.cost.lut }, { "ff", c.cost.ff }, { "dsp", c.cost.dsp }, { "bram36", c.cost.bram },
                            { "cycles", c.cost.cycles }, { "floatAccuracy", c.accuracy.floatAccuracy },
                            { "intAccuracy", c.accuracy.intAccuracy }, { "pareto", c.pareto } });
                }
                list.push_back(j);
            }
            nlohmann::json out = { { "model", imported->name }, { "template", o->templateName },
                { "samples", data.count }, { "configurations", list } };
            util::writeStdout(util::dumpJson(out, 2) + "\n");
            return;
        }
        std::printf("%s: %lld samples, LUTs of template %s (* = Pareto front)\n", imported->name.c_str(),
            static_cast<long long>(data.count), o->templateName.c_str());
        std::printf("  %-14s %10s %9s %5s %7s %11s %9s %9s\n", "config", "LUT", "FF", "DSP", "BRAM36", "cycles",
            "int acc", "float acc");
        for (const Config& c : configs) {
            if (!c.error.empty()) {
                std::printf("  %-14s %s\n", configName(c).c_str(), c.error.c_str());
                continue;
            }
            std::printf("%s %-14s %10lld %9lld %5lld %7.1f %11lld %8.2f%% %8.2f%%\n", c.pareto ? "*" : " ",
                configName(c).c_str(), static_cast<long long>(c.cost.lut), static_cast<long long>(c.cost.ff),
                static_cast<long long>(c.cost.dsp), c.cost.bram, static_cast<long long>(c.cost.cycles),
                100 * c.accuracy.intAccuracy, 100 * c.accuracy.floatAccuracy);
        }
    });
}

} // namespace luthier::cli
