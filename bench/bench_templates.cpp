// bench_templates: every hardware template on the shared JSC and TFC_2W2A models. Per model and template:
// the compiler's LUT/FF/DSP estimate, Yosys synth_xilinx LUT/FF for the layers small enough to synthesise
// (estimate <= MAX_LUT, default 20000; larger layers are left out of the Yosys sum and counted in "skipped"),
// cycles per inference (initiation interval when streaming), latency, and top-1 accuracy of the golden model
// the RTL is bit-exact to (JSC: agreement with ONNX Runtime's class, it has no labels; TFC: MNIST labels).
// Shift-add needs power-of-two weights: JSC gets the 4-bit pow2 override (its accuracy changes), TFC_2W2A's
// 2-bit weights already are 0 or +-2^e. Prints a Markdown table (docs/templates.md is this output).
//
// usage: bench_templates [MAX_LUT] [YOSYS_JOBS]

#include "analysis/accuracy.h"
#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "quant/overrides.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "util/error.h"
#include "verify/process.h"
#include "verify/yosys_run.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

using namespace luthier;

namespace {

struct Model {
    const char* name;
    std::string path, inputs, labels;
    quant::Overrides shiftAddOverride;
};

} // namespace

int main(int argc, char** argv)
{
    const int64_t maxLut = argc > 1 ? std::atoll(argv[1]) : 20000;
    const int jobs = argc > 2 ? std::atoi(argv[2]) : 2;
    const std::string shared = LUTHIER_SHARED_DIR;
    quant::Overrides pow2;
    pow2[quant::kAllLayers] = { 4, std::nullopt, ir::WeightScheme::PowerOfTwo, std::nullopt, std::nullopt };
    const Model models[] = {
        { "qkeras_jettagging (JSC)", shared + "/models/qkeras_jettagging.onnx",
            shared + "/models/reference/qkeras_jettagging.input.npy",
            shared + "/models/reference/qkeras_jettagging.ort_output.npy", pow2 },
        { "TFC_2W2A (MNIST)", shared + "/models/TFC_2W2A.onnx", shared + "/data/mnist_x_2k.npy",
            shared + "/data/mnist_y_2k.npy", {} },
    };
    const bool yosys = verify::findProgram("yosys").has_value();
    const auto start = std::chrono::steady_clock::now();
    std::printf("| model | template | est. LUT | est. FF | est. DSP | Yosys LUT | Yosys FF | LUT err | Yosys layers "
                "| cycles/inference | latency | top-1 |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Model& m : models) {
        const ir::Graph imported = importer::importModel(m.path);
        const sim::Dataset data = sim::loadInputs(m.inputs, imported.inputShape);
        const std::vector<int64_t> labels = sim::loadLabels(m.labels, data.count);
        for (arch::TemplateKind kind : arch::kAllTemplates) {
            const std::string t(arch::toString(kind));
            const bool override = kind == arch::TemplateKind::ShiftAdd && !m.shiftAddOverride.empty();
            const ir::Graph graph = override ? quant::applyOverrides(imported, m.shiftAddOverride) : imported;
            arch::MapOptions options;
            options.defaultTemplate = kind;
            arch::HwDesign design;
            try {
                design = arch::mapDesign(quant::lowerToInteger(graph), options);
            } catch (const Error& e) {
                std::printf("| %s | %s | refused: %s |||||||||\n", m.name, t.c_str(), e.what());
                std::fflush(stdout);
                continue;
            }
            Progress none;
            const analysis::Accuracy acc = analysis::measureAccuracy(graph, data, labels, none);
            std::string lut = "-", ff = "-", err = "-", layers = "0/" + std::to_string(design.layers.size());
            if (yosys) {
                const auto dir = std::filesystem::temp_directory_path() / ("luthier_bench_templates_" + t);
                std::filesystem::remove_all(dir);
                rtl::writeFiles(dir, rtl::emitDesign(design));
                verify::SynthOptions s;
                s.jobs = jobs;
                for (const auto& l : design.layers)
                    if (l.estimate.lut <= maxLut)
                        s.layers.push_back(l.module);
                if (!s.layers.empty()) {
                    const verify::SynthReport r = verify::synthDesign(dir, s);
                    int64_t yl = 0, yf = 0, el = 0;
                    for (const auto& l : r.layers)
                        yl += l.counts.lut, yf += l.counts.ff, el += l.estimateLut;
                    lut = std::to_string(yl);
                    ff = std::to_string(yf);
                    char buffer[32];
                    std::snprintf(buffer, sizeof buffer, "%+.1f %%", yl ? 100.0 * double(el - yl) / double(yl) : 0.0);
                    err = buffer;
                    layers = std::to_string(r.layers.size()) + "/" + std::to_string(design.layers.size());
                }
                std::filesystem::remove_all(dir);
            }
            std::printf("| %s | %s%s | %lld | %lld | %lld | %s | %s | %s | %s | %lld | %lld | %.2f %% |\n", m.name,
                t.c_str(), override ? " (pow2 4-bit)" : "", (long long)design.estimate.lut,
                (long long)design.estimate.ff, (long long)design.estimate.dsp, lut.c_str(), ff.c_str(), err.c_str(),
                layers.c_str(), (long long)design.interval, (long long)design.cycles, 100.0 * acc.intAccuracy);
            std::fflush(stdout);
        }
    }
    std::printf("\nLUT err = (estimate - Yosys) / Yosys over the synthesised layers only. Bench time %.0f s.\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return 0;
}
