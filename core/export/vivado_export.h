#pragma once
// Writes a self-contained Vivado folder for a compiled design (DESIGN.md section 7):
//   rtl/                       the Verilog and .mem files of the design (flat, names kept)
//   constraints/clock.xdc      create_clock on the top's clock port, input/output delays
//   constraints/pblocks.xdc    create_pblock / resize_pblock / add_cells_to_pblock per constrained layer
//   create_project.tcl         project mode (create_project, add_files, constraints, top, OOC synthesis)
//   build.tcl                  non-project flow: synth_design -mode out_of_context, opt/place/route,
//                              hierarchical utilisation (text + XML), timing summary, a checkpoint per stage
//   Makefile                   make synth / make impl / make project (vivado -mode batch -source ...)
//   README.md                  what to run and what each file is
//   manifest.json              the design manifest, so `luthier-cli import-report` can name the layers
// Every generated script finds its files relative to its own location, so the folder can be moved, and
// every piece of model-derived text is quoted for Tcl (export/tcl_text.h).

#include "export/design_manifest.h"
#include "export/pblock_spec.h"
#include "util/progress.h"

#include <filesystem>
#include <string>
#include <vector>

namespace luthier::exporter {

struct VivadoOptions {
    std::string part; // full Vivado part (see vivado_parts.h)
    double clockNs = 0; // clock period; > 0
    // Input and output delays as a fraction of the clock period: the share of the cycle that logic
    // outside this out-of-context block is assumed to use on each side.
    double ioDelayFraction = 0.2;
    // Caveats about the pblocks (an approximate device layout, constraints left out), written as comments
    // into pblocks.xdc and listed in the README.
    std::vector<std::string> pblockNotes;
};

struct VivadoExport {
    std::filesystem::path outDir;
    std::string projectName; // sanitised, used for the Vivado project and checkpoints
    std::vector<std::filesystem::path> written; // relative to outDir, in the order written
};

// Throws luthier::Error when OUT exists as a file, options are invalid, a pblock names an instance the
// manifest does not have, or a file cannot be written. OUT is built aside and swapped in whole
// (util/staged_folder.h): it is either the previous export or the new one, never a mix; a second export into
// OUT at the same time fails at once.
VivadoExport writeVivadoProject(const DesignManifest& design, const std::vector<PblockSpec>& pblocks,
    const VivadoOptions& options, const std::filesystem::path& outDir, Progress& progress);

// The pblock's name in Vivado: pblock_<instance>.
std::string pblockName(const PblockSpec& pblock);

// The individual texts, for tests and for the GUI's preview. `rtlFiles` are the file names inside rtl/.
std::string clockXdc(const DesignManifest& design, const VivadoOptions& options);
std::string pblocksXdc(
    const DesignManifest& design, const std::vector<PblockSpec>& pblocks, const std::vector<std::string>& notes = {});
std::string createProjectTcl(const DesignManifest& design, const VivadoOptions& options,
    const std::vector<std::string>& rtlFiles, const std::string& projectName);
std::string buildTcl(const DesignManifest& design, const VivadoOptions& options,
    const std::vector<std::string>& rtlFiles, const std::string& projectName, bool hasPblocks);
std::string makefileText(const std::string& projectName);
std::string readmeText(const DesignManifest& design, const VivadoOptions& options,
    const std::vector<PblockSpec>& pblocks, const std::string& projectName);

} // namespace luthier::exporter
