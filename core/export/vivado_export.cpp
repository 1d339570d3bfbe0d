#include "export/vivado_export.h"

#include "export/tcl_text.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/staged_folder.h"

#include <map>
#include <set>

namespace luthier::exporter {

namespace fs = std::filesystem;

namespace {

void writeText(const fs::path& outDir, const fs::path& relative, const std::string& text, VivadoExport& result)
{
    const fs::path path = outDir / relative;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    util::writeFileAtomic(path, text);
    result.written.push_back(relative);
}

void copyFile(const fs::path& from, const fs::path& outDir, const fs::path& relative, VivadoExport& result)
{
    const fs::path to = outDir / relative;
    std::error_code ec;
    // A link in a design folder could pull any file of the machine into the export (design_manifest.cpp
    // refuses links among the listed files; this holds for manifest.json too).
    if (fs::is_symlink(fs::symlink_status(from, ec)))
        throw Error("cannot copy " + from.string() + ": it is a symbolic link, not a file of the design");
    fs::create_directories(to.parent_path(), ec);
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) throw Error("cannot copy " + from.string() + " to " + to.string() + ": " + ec.message());
    result.written.push_back(relative);
}

void checkInputs(const DesignManifest& design, const std::vector<PblockSpec>& pblocks, const VivadoOptions& options)
{
    if (options.part.empty()) throw Error("no target part: pass --part (e.g. xcvu13p) or compile for a device");
    if (!(options.clockNs > 0))
        throw Error("the clock period must be positive (got " + std::to_string(options.clockNs) + " ns)");
    if (!(options.ioDelayFraction >= 0 && options.ioDelayFraction < 1))
        throw Error("the I/O delay fraction must lie in [0, 1)");
    std::set<std::string> instances;
    for (const LayerInfo& layer : design.layers)
        instances.insert(layer.instance);
    std::set<std::string> seen;
    for (const PblockSpec& pblock : pblocks) {
        if (!instances.count(pblock.instance))
            throw Error("pblock for layer '" + pblock.layer + "' names instance '" + pblock.instance
                + "', which the design's manifest does not list");
        if (!seen.insert(pblock.instance).second) throw Error("two pblocks for instance '" + pblock.instance + "'");
        if (pblock.ranges.empty()) throw Error("pblock for layer '" + pblock.layer + "' has no site ranges");
        for (const SiteRange& range : pblock.ranges)
            if (range.x0 < 0 || range.y0 < 0 || range.x1 < range.x0 || range.y1 < range.y0
                || !isVerilogIdentifier(range.siteType))
                throw Error("pblock for layer '" + pblock.layer + "' has an invalid " + range.siteType + " range");
    }
}

} // namespace

VivadoExport writeVivadoProject(const DesignManifest& design, const std::vector<PblockSpec>& pblocks,
    const VivadoOptions& options, const fs::path& outDir, Progress& progress)
{
    checkInputs(design, pblocks, options);
    std::error_code ec;
    if (fs::exists(outDir, ec) && !fs::is_directory(outDir, ec))
        throw Error("export folder " + outDir.string() + " exists and is not a folder");
    // Built aside and swapped in whole: a stopped or failed export leaves the previous folder as it was.
    util::StagedFolder staged(outDir);
    const fs::path& stage = staged.path();

    VivadoExport result;
    result.outDir = outDir;
    result.projectName = sanitiseName(design.model.empty() ? design.top : design.model, "luthier_design");

    // The design's files go flat into rtl/. The .mem ROM images come along for other tools; the Verilog holds
    // the same contents inline, so the scripts read only the .v files.
    std::vector<std::string> rtlFiles;
    std::map<std::string, fs::path> byName;
    for (size_t i = 0; i < design.files.size(); ++i) {
        progress.checkpoint();
        const fs::path& relative = design.files[i];
        const std::string name = relative.filename().string();
        if (const auto [it, inserted] = byName.emplace(name, relative); !inserted)
            throw Error("two design files are both called '" + name + "' (" + it->second.string() + ", "
                + relative.string() + "); rtl/ keeps file names flat");
        copyFile(design.dir / relative, stage, fs::path("rtl") / name, result);
        rtlFiles.push_back(name);
        progress.report(0.8 * double(i + 1) / double(design.files.size()), "copying RTL");
    }
    copyFile(design.dir / kManifestFile, stage, kManifestFile, result);

    const bool hasPblocks = !pblocks.empty();
    writeText(stage, fs::path("constraints") / "clock.xdc", clockXdc(design, options), result);
    writeText(stage, fs::path("constraints") / "pblocks.xdc", pblocksXdc(design, pblocks, options.pblockNotes), result);
    writeText(stage, "create_project.tcl", createProjectTcl(design, options, rtlFiles, result.projectName), result);
    writeText(stage, "build.tcl", buildTcl(design, options, rtlFiles, result.projectName, hasPblocks), result);
    writeText(stage, "Makefile", makefileText(result.projectName), result);
    writeText(stage, "README.md", readmeText(design, options, pblocks, result.projectName), result);
    staged.commit();
    progress.report(1.0, "export written");
    return result;
}

} // namespace luthier::exporter
