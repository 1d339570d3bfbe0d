#pragma once
// Vivado's hierarchical utilisation report (`report_utilization -hierarchical`), read back so the
// workbench can put Vivado's per-layer numbers next to Luthier's estimates. Both forms build.tcl writes
// are read: the text table
//   | Instance | Module | Total LUTs | Logic LUTs | LUTRAMs | SRLs | FFs | RAMB36 | RAMB18 | (URAM |) DSP48 Blocks |
//   | top      |  (top) |        120 |        100 | ...
//   |   u_l0   |   l0   |         70 | ...                 (two spaces of indent per hierarchy level)
// with or without -hierarchical_percentages ("120(0.05%)"), and the undocumented -format xml form
// (<tablerow> of <tableheader contents=".."/> / <tablecell contents=".."/>). Column names vary between
// families and versions ("DSP48 Blocks", "DSP Blocks"; URAM only on UltraScale+) and are matched by name.

#include "export/design_manifest.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luthier::exporter {

struct UtilizationRow {
    int depth = 0; // 0 for the top
    std::string instance; // without the indent; "(name)" rows hold a parent's own logic
    std::string module;
    double totalLuts = 0, logicLuts = 0, lutrams = 0, srls = 0, ffs = 0, ramb36 = 0, ramb18 = 0, uram = 0, dsps = 0;

    bool isLocal() const { return !instance.empty() && instance.front() == '('; }
    double bram36() const { return ramb36 + ramb18 / 2; } // in RAMB36 equivalents, like the estimates
};

struct UtilizationReport {
    std::string design, device, designState, toolVersion; // from the report header, when present
    std::vector<UtilizationRow> rows; // in report order: the top first, children after their parent
};

// `label` names the source in errors. Throws luthier::Error when no hierarchical table is found, a row
// has a different number of cells than the header, or a count is not a number.
UtilizationReport parseUtilizationReport(const std::string& text, const std::string& label);
UtilizationReport loadUtilizationReport(const std::filesystem::path& path);

struct LayerUtilization {
    LayerInfo layer;
    std::optional<UtilizationRow> vivado; // empty when the report has no row for the layer's instance
};

// Each layer of the design with its row: the instance directly below the top with the layer's instance
// name, else the first row anywhere with that instance name (a wrapper may add a level).
std::vector<LayerUtilization> matchLayers(const UtilizationReport& report, const DesignManifest& design);

} // namespace luthier::exporter
