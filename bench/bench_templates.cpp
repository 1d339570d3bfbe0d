// bench_templates: every hardware template on the shared JSC and TFC_2W2A models. Per model and template:
// the compiler's LUT/FF/DSP estimate, Yosys LUT/FF for the layers small enough to synthesise (estimate <= MAX_LUT,
// default 20000; a larger layer is left out of the Yosys sum and listed with its estimate, because Yosys time and
// memory grow with the layer: a 10k-LUT unrolled layer already takes minutes on the 2-core machine), cycles per
// inference (initiation interval when streaming), latency, and top-1 accuracy of the golden model the RTL is
// bit-exact to (JSC: agreement with ONNX Runtime's class, it has no labels; TFC: MNIST labels). Shift-add needs
// power-of-two weights: JSC gets the 4-bit pow2 override (its accuracy changes), TFC_2W2A's 2-bit weights already
// are 0 or +-2^e.
//
// Prints the Markdown to stdout; with --output FILE it also writes it into FILE between the markers below,
// keeping whatever was written by hand outside them (docs/templates.md is made this way).
//
// Yosys 0.23 can take more than the machine's 23 GB on a parallel layer (TFC LUT-Dense matmul_32 was killed by the
// OOM killer at 24 GB before its tables were marked rom_style = "logic"), so every Yosys gets an address-space
// limit (--memory-limit GB, default 8); a layer that hits it is listed as failed.
//
// usage: bench_templates [--output FILE] [--only MODEL] [--memory-limit GB] [MAX_LUT] [YOSYS_JOBS]

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

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace luthier;

namespace {

constexpr const char* kBegin = "<!-- bench_templates: generated part begins (edit outside these markers) -->";
constexpr const char* kEnd = "<!-- bench_templates: generated part ends -->";

struct Model {
    const char* name;
    std::string path, inputs, labels;
    quant::Overrides shiftAddOverride;
};

struct Options {
    std::string output, only, command;
    int64_t maxLut = 20000;
    int jobs = 2;
    int memoryGb = 8; // address-space limit of the bench and so of every Yosys it starts
};

// One layer of one design: the estimate, and what Yosys made of it when it ran.
struct LayerRow {
    std::string module;
    arch::Resources estimate;
    std::optional<verify::LayerSynthesis> yosys; // none without Yosys on PATH
    bool synthesised() const { return yosys && yosys->synthesised(); }
};

struct DesignRow {
    std::string model, templ, refused;
    arch::Resources estimate;
    int64_t interval = 0, cycles = 0;
    double accuracy = 0;
    std::vector<LayerRow> layers;
};

Options parseOptions(int argc, char** argv)
{
    Options o;
    o.command = "bench_templates";
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        o.command += " " + a;
        if ((a == "--output" || a == "--only") && i + 1 < argc) {
            (a == "--output" ? o.output : o.only) = argv[++i];
            o.command += std::string(" ") + argv[i];
        } else if (a == "--memory-limit" && i + 1 < argc) {
            o.memoryGb = std::atoi(argv[++i]);
            o.command += std::string(" ") + argv[i];
        } else {
            positional.push_back(a);
        }
    }
    if (positional.size() > 0) o.maxLut = std::atoll(positional[0].c_str());
    if (positional.size() > 1) o.jobs = std::atoi(positional[1].c_str());
    return o;
}

std::string percent(int64_t estimate, int64_t measured)
{
    char buffer[32];
    const double error = measured ? 100.0 * double(estimate - measured) / double(measured) : 0.0;
    std::snprintf(buffer, sizeof buffer, "%+.1f %%", error);
    return buffer;
}

// A directory of this process alone: two benches running at once (or a bench beside a test) must not delete
// each other's RTL halfway through a Yosys run, which a shared name did.
std::filesystem::path scratchDir(const std::string& name)
{
    return std::filesystem::temp_directory_path()
        / ("luthier_bench_templates_" + name + "_" + std::to_string(getpid()));
}

// Synthesises every layer of `design` whose estimate is at most maxLut, one Yosys run per layer and `jobs` at a
// time; a layer Yosys fails on only marks that layer.
std::vector<LayerRow> synthesise(const arch::HwDesign& design, const std::string& templ, const Options& o, bool yosys)
{
    std::vector<LayerRow> rows;
    for (const auto& l : design.layers)
        rows.push_back({ l.module, l.estimate, std::nullopt });
    if (!yosys) return rows;
    const auto dir = scratchDir(templ);
    std::filesystem::remove_all(dir);
    rtl::writeFiles(dir, rtl::emitDesign(design));
    verify::SynthOptions s;
    s.jobs = o.jobs;
    s.maxEstimateLut = o.maxLut;
    s.memoryLimitGb = o.memoryGb;
    const verify::SynthReport report = verify::synthDesign(dir, s);
    for (size_t i = 0; i < rows.size(); ++i)
        rows[i].yosys = report.layers.at(i);
    std::filesystem::remove_all(dir);
    return rows;
}

// "3.21 ns (311 MHz)": a critical path in cell delays alone and the Fmax bound it gives; "-" without one.
std::string pathText(int64_t ps)
{
    if (ps <= 0) return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f ns (%.0f MHz)", double(ps) / 1000.0, 1e6 / double(ps));
    return text;
}

// The slowest critical path among the synthesised layers of a design, 0 when none has one.
int64_t slowestPath(const DesignRow& d)
{
    int64_t slowest = 0;
    for (const auto& l : d.layers)
        if (l.synthesised()) slowest = std::max(slowest, l.yosys->criticalPathPs);
    return slowest;
}

std::string summaryRow(const DesignRow& d)
{
    if (!d.refused.empty()) return "| " + d.model + " | " + d.templ + " | refused: " + d.refused + " ||||||||||\n";
    int64_t yl = 0, yf = 0, el = 0, synthesised = 0;
    for (const auto& l : d.layers)
        if (l.synthesised()) {
            yl += l.yosys->counts.lut, yf += l.yosys->counts.ff, el += l.estimate.lut;
            ++synthesised;
        }
    char line[512];
    std::snprintf(line, sizeof line,
        "| %s | %s | %lld | %lld | %lld | %s | %s | %s | %lld/%zu | %s | %lld | %lld | %.2f %% |\n", d.model.c_str(),
        d.templ.c_str(), (long long)d.estimate.lut, (long long)d.estimate.ff, (long long)d.estimate.dsp,
        synthesised ? std::to_string(yl).c_str() : "-", synthesised ? std::to_string(yf).c_str() : "-",
        synthesised ? percent(el, yl).c_str() : "-", (long long)synthesised, d.layers.size(),
        pathText(slowestPath(d)).c_str(), (long long)d.interval, (long long)d.cycles, 100.0 * d.accuracy);
    return line;
}

std::string layerRows(const DesignRow& d)
{
    std::ostringstream out;
    for (const auto& l : d.layers) {
        out << "| " << d.model << " | " << d.templ << " | " << l.module << " | " << l.estimate.lut << " | "
            << l.estimate.ff << " | ";
        if (l.synthesised()) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%.0f", l.yosys->seconds);
            out << l.yosys->counts.lut << " | " << l.yosys->counts.ff << " | "
                << percent(l.estimate.lut, l.yosys->counts.lut) << " | " << pathText(l.yosys->criticalPathPs) << " | "
                << seconds << " |\n";
        } else if (l.yosys) {
            out << l.yosys->problem << " |||||\n";
        } else {
            out << "no Yosys on PATH |||||\n";
        }
    }
    return out.str();
}

// Our unrolled JSC figures for the comparison with the LUT-network papers (their numbers are hand-written
// below the generated part of docs/templates.md).
std::string unrolledJsc(const DesignRow& d)
{
    std::ostringstream out;
    int64_t yl = 0, yf = 0, el = 0, skippedLut = 0;
    std::string skipped, failed;
    for (const auto& l : d.layers) {
        if (l.synthesised()) {
            yl += l.yosys->counts.lut, yf += l.yosys->counts.ff, el += l.estimate.lut;
        } else if (l.yosys && l.yosys->skipped) {
            skippedLut += l.estimate.lut;
            skipped += (skipped.empty() ? "" : ", ") + l.module;
        } else if (l.yosys) {
            failed += (failed.empty() ? "" : ", ") + l.module;
        }
    }
    out << "Every JSC layer on the unrolled template (G = 3, adder-tree pipeline register every 2 levels): latency "
        << d.cycles << " cycles, one inference per " << d.interval << " cycle(s); estimated " << d.estimate.lut
        << " LUT6 / " << d.estimate.ff << " FF / " << d.estimate.dsp << " DSP. Yosys synth_xilinx: " << yl << " LUT6 / "
        << yf << " FF for the synthesised layers (estimated " << el << " for them)";
    if (!skipped.empty())
        out << "; not synthesised: " << skipped << " (estimated " << skippedLut << " LUT6, above MAX_LUT)";
    if (!failed.empty()) out << "; Yosys failed on " << failed << " (see the per-layer table)";
    char accuracy[64];
    std::snprintf(accuracy, sizeof accuracy, "%.2f %%", 100.0 * d.accuracy);
    if (const int64_t slowest = slowestPath(d); slowest > 0)
        out << "; critical path of the synthesised layers in cell delays alone " << pathText(slowest);
    out << ". Golden-model top-1 agreement with ONNX Runtime's class on the 1000 reference inputs: " << accuracy
        << ".\n";
    return out.str();
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

std::string provenance(const Options& o, bool yosys, double seconds)
{
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    std::string cpu = "unknown CPU";
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; std::getline(info, line);)
        if (line.rfind("model name", 0) == 0) {
            cpu = trimmed(line.substr(line.find(':') + 2));
            break;
        }
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::string version = "no Yosys on PATH";
    if (yosys) {
        const auto dir = std::filesystem::temp_directory_path();
        version = trimmed(verify::runProcess({ "yosys", "-V" }, dir, dir / "luthier_bench_yosys_version.log").output);
    }
    std::ostringstream out;
    out << "Generated by `" << o.command << "` (build tree, RelWithDebInfo) on " << host << " (" << cpu << ", "
        << std::thread::hardware_concurrency() << " hardware threads), " << date << ", " << version << ", " << o.jobs
        << " Yosys job(s) at a time, each limited to " << o.memoryGb << " GB of address space. Bench time "
        << long(seconds) << " s.\n";
    return out.str();
}

std::string markdown(
    const std::vector<DesignRow>& rows, const std::string& ice40, const Options& o, bool yosys, double seconds)
{
    std::ostringstream out;
    out << kBegin << "\n\n" << provenance(o, yosys, seconds) << "\n";
    out << "| model | template | est. LUT | est. FF | est. DSP | Yosys LUT | Yosys FF | LUT err | Yosys layers "
           "| cell path (Fmax bound) | cycles/inference | latency | top-1 |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& d : rows)
        out << summaryRow(d);
    out << "\nYosys LUT/FF and LUT err = (estimate - Yosys) / Yosys cover the synthesised layers only (\"Yosys "
           "layers\"); a layer whose estimate is above MAX_LUT = "
        << o.maxLut
        << " is not synthesised and is listed as such below. cycles/inference is the initiation "
           "interval when streaming, latency the cycles from input to output. The cell path is Yosys `sta` on the "
           "synthesised netlist with its Xilinx cell models' delays (Artix-7, from Project X-Ray), the slowest "
           "layer's: "
           "cell delays and setup only, no routing, so the MHz is an upper bound on Fmax, not a timing closure.\n\n";
    out << "### Per layer\n\n| model | template | layer | est. LUT | est. FF | Yosys LUT | Yosys FF | LUT err | "
           "cell path | Yosys s |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& d : rows)
        out << layerRows(d);
    for (const auto& d : rows)
        if (d.refused.empty() && d.templ == "unrolled" && d.model.rfind("qkeras_jettagging", 0) == 0)
            out << "\n### Unrolled JSC\n\n" << unrolledJsc(d);
    out << ice40 << "\n" << kEnd << "\n";
    return out.str();
}

// Every template on the JSC output layer for K = 4 (Yosys synth_ice40, LUT4), the other layers on the cheap DSP
// template and left out: the iCE40 check of each template's estimate. Shift-add gets that layer's 4-bit pow2
// override.
std::string ice40OutputLayer(const Model& jsc, const Options& o, bool yosys)
{
    if (!yosys) return "";
    const ir::Graph imported = importer::importModel(jsc.path);
    arch::MapOptions options;
    options.tlmac.lutInputs = 4;
    options.defaultTemplate = ir::TemplateKind::Dsp;
    const std::string last = arch::mapDesign(quant::lowerToInteger(imported), options).layers.back().name;
    std::ostringstream out;
    out << "\n### iCE40 (K = 4): the JSC output layer on every template\n\n"
           "Layer `"
        << last
        << "` mapped with K = 4 and synthesised with `synth_ice40` (LUT4 counts), the other layers on "
           "the DSP template and not synthesised. Shift-add with that layer's 4-bit power-of-two override.\n\n"
           "| template | est. LUT4 | est. FF | Yosys LUT4 | Yosys FF | LUT err |\n|---|---|---|---|---|---|\n";
    for (ir::TemplateKind kind : ir::kAllTemplates) {
        const std::string t(ir::toString(kind));
        quant::Overrides pow2;
        if (kind == ir::TemplateKind::ShiftAdd) {
            pow2[last].weightBits = 4;
            pow2[last].weightScheme = ir::WeightScheme::PowerOfTwo;
        }
        options.layerTemplates = { { last, kind } };
        const arch::HwDesign design
            = arch::mapDesign(quant::lowerToInteger(quant::applyOverrides(imported, pow2)), options);
        const auto dir = scratchDir("ice40_" + t);
        std::filesystem::remove_all(dir);
        rtl::writeFiles(dir, rtl::emitDesign(design));
        verify::SynthOptions s;
        s.layers = { design.layers.back().module };
        s.memoryLimitGb = o.memoryGb;
        const verify::LayerSynthesis l = verify::synthDesign(dir, s).layers.at(0);
        std::filesystem::remove_all(dir);
        out << "| " << t << " | " << l.estimateLut << " | " << l.estimateFf << " | ";
        if (l.synthesised())
            out << l.counts.lut << " | " << l.counts.ff << " | " << percent(l.estimateLut, l.counts.lut) << " |\n";
        else
            out << l.problem << " |||\n";
    }
    return out.str();
}

// Replaces the generated part of `path` (or creates the file), keeping the hand-written text around it.
void writeInto(const std::string& path, const std::string& generated)
{
    std::string text;
    if (std::ifstream in(path); in) {
        std::ostringstream s;
        s << in.rdbuf();
        text = s.str();
    }
    const size_t begin = text.find(kBegin), end = text.find(kEnd);
    if (begin != std::string::npos && end != std::string::npos && end > begin) {
        const size_t after = text.find('\n', end);
        text = text.substr(0, begin) + generated + (after == std::string::npos ? "" : text.substr(after + 1));
    } else {
        text = "# Templates measured\n\n" + generated + text;
    }
    std::ofstream(path) << text;
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parseOptions(argc, argv);
    const std::string shared = LUTHIER_SHARED_DIR;
    quant::Overrides pow2;
    pow2[quant::kAllLayers].weightBits = 4;
    pow2[quant::kAllLayers].weightScheme = ir::WeightScheme::PowerOfTwo;
    const Model models[] = {
        { "qkeras_jettagging (JSC)", shared + "/models/qkeras_jettagging.onnx",
            shared + "/models/reference/qkeras_jettagging.input.npy",
            shared + "/models/reference/qkeras_jettagging.ort_output.npy", pow2 },
        { "TFC_2W2A (MNIST)", shared + "/models/TFC_2W2A.onnx", shared + "/data/mnist_x_2k.npy",
            shared + "/data/mnist_y_2k.npy", {} },
    };
    const bool yosys = verify::findProgram("yosys").has_value();
    const auto start = std::chrono::steady_clock::now();
    std::vector<DesignRow> rows;
    for (const Model& m : models) {
        if (std::string(m.name).find(o.only) == std::string::npos) continue;
        const ir::Graph imported = importer::importModel(m.path);
        const sim::Dataset data = sim::loadInputs(m.inputs, imported.inputShape);
        const std::vector<int64_t> labels = sim::loadLabels(m.labels, data.count);
        for (ir::TemplateKind kind : ir::kAllTemplates) {
            const std::string t(ir::toString(kind));
            const bool override = kind == ir::TemplateKind::ShiftAdd && !m.shiftAddOverride.empty();
            const ir::Graph graph = override ? quant::applyOverrides(imported, m.shiftAddOverride) : imported;
            DesignRow row;
            row.model = m.name;
            row.templ = t + (override ? " (pow2 4-bit)" : "");
            arch::MapOptions options;
            options.defaultTemplate = kind;
            arch::HwDesign design;
            try {
                design = arch::mapDesign(quant::lowerToInteger(graph), options);
            } catch (const Error& e) {
                row.refused = e.what();
                rows.push_back(row);
                std::printf("%s", summaryRow(row).c_str());
                continue;
            }
            Progress none;
            row.accuracy = analysis::measureAccuracy(graph, data, labels, none).intAccuracy;
            row.estimate = design.estimate;
            row.interval = design.interval;
            row.cycles = design.cycles;
            row.layers = synthesise(design, t, o, yosys);
            rows.push_back(row);
            std::printf("%s", summaryRow(row).c_str());
            std::fflush(stdout);
        }
    }
    const std::string ice40
        = std::string(models[0].name).find(o.only) == std::string::npos ? "" : ice40OutputLayer(models[0], o, yosys);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string text = markdown(rows, ice40, o, yosys, seconds);
    std::printf("\n%s", text.c_str());
    if (!o.output.empty()) writeInto(o.output, text);
    return 0;
}
