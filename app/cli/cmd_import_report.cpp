// luthier-cli import-report FILE [--design DIR] [--json]: read Vivado's hierarchical utilisation report
// (text or XML, as build.tcl writes into OUT/reports/) and print Vivado's LUT/FF/DSP/BRAM per layer next
// to Luthier's estimates. The design's manifest.json is found next to the export (OUT/manifest.json)
// unless --design names the folder.

#include "commands.h"
#include "export/design_manifest.h"
#include "export/utilization_report.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::cli {

namespace {

namespace fs = std::filesystem;

// OUT/reports/x.rpt -> OUT (the export folder holds manifest.json); also accept it beside the report.
fs::path findDesignDir(const fs::path& report)
{
    const fs::path dir = fs::absolute(report).parent_path();
    for (const fs::path& candidate : { dir.parent_path(), dir }) {
        std::error_code ec;
        if (fs::is_regular_file(candidate / exporter::kManifestFile, ec)) return candidate;
    }
    return {};
}

nlohmann::json toJson(const exporter::UtilizationRow& row)
{
    return { { "instance", row.instance }, { "module", row.module }, { "depth", row.depth }, { "lut", row.totalLuts },
        { "logicLut", row.logicLuts }, { "lutram", row.lutrams }, { "srl", row.srls }, { "ff", row.ffs },
        { "ramb36", row.ramb36 }, { "ramb18", row.ramb18 }, { "bram", row.bram36() }, { "uram", row.uram },
        { "dsp", row.dsps } };
}

} // namespace

void addImportReportCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string report, design;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("import-report", "Read Vivado's hierarchical utilisation report per layer");
    cmd->add_option("report", o->report, "report_utilization -hierarchical output (.rpt text or .xml)")->required();
    cmd->add_option(
        "--design", o->design, "Design or export folder with manifest.json (default: found beside the report)");
    cmd->add_flag("--json", o->json, "Print JSON instead of a table");
    cmd->callback([o] {
        const exporter::UtilizationReport report = exporter::loadUtilizationReport(o->report);
        const fs::path designDir = o->design.empty() ? findDesignDir(o->report) : fs::path(o->design);
        if (designDir.empty()) {
            // No manifest: the instances directly below the top are all that can be shown.
            if (o->json) {
                nlohmann::json rows = nlohmann::json::array();
                for (const auto& row : report.rows)
                    rows.push_back(toJson(row));
                util::writeStdout(
                    util::dumpJson({ { "design", report.design }, { "device", report.device }, { "rows", rows } }, 2)
                    + "\n");
                return;
            }
            std::printf("%s on %s (%s); no manifest.json found, showing the instances below the top\n",
                report.design.c_str(), report.device.c_str(), report.designState.c_str());
            std::printf("%-32s %-24s %9s %9s %6s %7s\n", "instance", "module", "LUT", "FF", "DSP", "BRAM36");
            for (const auto& row : report.rows)
                if (row.depth <= 1 && !row.isLocal())
                    std::printf("%-32s %-24s %9.0f %9.0f %6.0f %7.1f\n", row.instance.c_str(), row.module.c_str(),
                        row.totalLuts, row.ffs, row.dsps, row.bram36());
            return;
        }

        const exporter::DesignManifest design = exporter::loadDesignManifest(designDir);
        const auto layers = exporter::matchLayers(report, design);
        if (o->json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& layer : layers) {
                const auto& e = layer.layer.estimate;
                out.push_back({ { "layer", layer.layer.name }, { "instance", layer.layer.instance },
                    { "template", layer.layer.templateName },
                    { "estimate", { { "lut", e.lut }, { "ff", e.ff }, { "dsp", e.dsp }, { "bram", e.bram } } },
                    { "vivado", layer.vivado ? toJson(*layer.vivado) : nlohmann::json(nullptr) } });
            }
            nlohmann::json doc { { "design", report.design }, { "device", report.device },
                { "state", report.designState }, { "layers", out } };
            if (!report.rows.empty()) doc["total"] = toJson(report.rows.front());
            util::writeStdout(util::dumpJson(doc, 2) + "\n");
            return;
        }
        std::printf("%s on %s (%s), Vivado vs. Luthier estimate per layer\n", report.design.c_str(),
            report.device.c_str(), report.designState.c_str());
        std::printf("%-24s %-16s %17s %17s %11s %13s\n", "layer", "instance", "LUT viv/est", "FF viv/est",
            "DSP viv/est", "BRAM viv/est");
        int missing = 0;
        for (const auto& layer : layers) {
            const auto& e = layer.layer.estimate;
            if (!layer.vivado) {
                ++missing;
                std::printf("%-24s %-16s not in the report\n", layer.layer.name.c_str(), layer.layer.instance.c_str());
                continue;
            }
            const auto& v = *layer.vivado;
            std::printf("%-24s %-16s %8.0f/%-8.0f %8.0f/%-8.0f %5.0f/%-5.0f %6.1f/%-6.1f\n", layer.layer.name.c_str(),
                layer.layer.instance.c_str(), v.totalLuts, e.lut, v.ffs, e.ff, v.dsps, e.dsp, v.bram36(), e.bram);
        }
        if (!report.rows.empty()) {
            const auto& top = report.rows.front();
            std::printf(
                "%-41s %8.0f %17.0f %11.0f %13.1f\n", "total (Vivado)", top.totalLuts, top.ffs, top.dsps, top.bram36());
        }
        if (missing > 0)
            std::printf("note: %d layer(s) have no row; Vivado 2024+ hides hierarchies with fewer than 50 cells "
                        "unless -hierarchical_min_primitive_count is lowered\n",
                missing);
    });
}

} // namespace luthier::cli
