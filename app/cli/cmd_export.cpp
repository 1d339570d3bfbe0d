// luthier-cli export DIR --vivado OUT [--part P] [--clock-ns T] [--constraints C.json | --project P.luthier]
// [--io-delay F]: write a Vivado folder (rtl/, constraints/, create_project.tcl, build.tcl, Makefile,
// README.md) for the design folder DIR written by `luthier-cli compile`.

#include "commands.h"
#include "console.h"
#include "device/device_loader.h"
#include "export/design_manifest.h"
#include "export/pblocks_from_constraints.h"
#include "export/vivado_export.h"
#include "export/vivado_parts.h"
#include "json_output.h"
#include "place/constraints.h"
#include "project/project_file.h"
#include "util/error.h"
#include "util/staged_folder.h"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace luthier::cli {

void addExportCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string design, vivado, part, constraints, project;
        double clockNs = 0, ioDelay = 0.2;
        std::string json;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("export", "Export a compiled design as a Vivado project folder");
    cmd->add_option("design", o->design, "Design folder written by `luthier-cli compile`")->required();
    cmd->add_option("--vivado", o->vivado, "Folder to write the Vivado project into")->required();
    cmd->add_option("--part", o->part, "Target part, e.g. xcvu13p or xczu9eg-ffvb1156-2-e (default: the project's)");
    cmd->add_option("--clock-ns", o->clockNs, "Clock period in ns (default: the project's clock, else 5 ns)")
        ->check(CLI::PositiveNumber);
    auto* constraints = cmd->add_option("--constraints", o->constraints, "Placement constraints JSON (pblocks)");
    cmd->add_option("--project", o->project, "A .luthier project: part, clock and pblocks come from it")
        ->excludes(constraints);
    cmd->add_option("--io-delay", o->ioDelay, "Input/output delay as a fraction of the clock period")
        ->check(CLI::Range(0.0, 0.9));
    addJsonOption(cmd, o->json);
    cmd->callback([o] {
        claimJsonStdout(o->json);
        util::checkFolder(o->design); // refuses a folder whose files do not match its completion record
        const exporter::DesignManifest design = exporter::loadDesignManifest(o->design);
        place::Constraints placeConstraints;
        std::string part = o->part;
        double clockNs = o->clockNs;
        if (!o->project.empty()) {
            const project::Project project = project::loadProject(o->project);
            placeConstraints = place::parseConstraints(
                project.document.value("constraints", nlohmann::json::object()), o->project + ": constraints");
            if (part.empty()) part = project.devicePart;
            if (clockNs <= 0 && project.compiler.clockMhz > 0) clockNs = 1000.0 / project.compiler.clockMhz;
        } else if (!o->constraints.empty()) {
            placeConstraints = place::loadConstraints(o->constraints);
        }
        if (part.empty()) part = design.part;
        if (part.empty()) throw Error("no target part: pass --part (e.g. --part xcvu13p) or --project with a device");
        if (clockNs <= 0) clockNs = design.clockNs.value_or(5.0);

        exporter::VivadoOptions options;
        options.part = exporter::vivadoPart(part);
        options.clockNs = clockNs;
        options.ioDelayFraction = o->ioDelay;
        exporter::PblockConversion pblocks;
        std::string deviceFile;
        if (!placeConstraints.pblocks.empty() || !placeConstraints.slr.empty()) {
            const device::Device device = device::findDevice(part);
            deviceFile = device.info().sourceFile;
            pblocks = exporter::pblocksFromConstraints(design, placeConstraints, device);
        }
        options.pblockNotes = pblocks.notes;

        Progress progress;
        const exporter::VivadoExport result
            = exporter::writeVivadoProject(design, pblocks.pblocks, options, o->vivado, progress);
        int rtl = 0;
        for (const auto& file : result.written)
            rtl += file.begin()->string() == "rtl";
        report("Vivado export of %s (top %s) for %s, clock %.3f ns (%.1f MHz)\n",
            design.model.empty() ? design.top.c_str() : design.model.c_str(), design.top.c_str(), options.part.c_str(),
            clockNs, 1000.0 / clockNs);
        report("  rtl/                      %d files\n", rtl);
        report("  constraints/clock.xdc     create_clock on %s, I/O delays %.3f ns\n", design.clock.c_str(),
            clockNs * options.ioDelayFraction);
        report("  constraints/pblocks.xdc   %zu pblocks", pblocks.pblocks.size());
        if (!deviceFile.empty()) report(", sites from device model %s", deviceFile.c_str());
        report("\n");
        for (const auto& pblock : pblocks.pblocks)
            report("    %-22s %s (%zu site ranges)\n", pblock.instance.c_str(), pblock.layer.c_str(),
                pblock.ranges.size());
        report("  create_project.tcl, build.tcl, Makefile, README.md\n");
        for (const auto& note : pblocks.notes)
            report("note: %s\n", note.c_str());
        report("wrote %s\nnext: cd into it and run `make synth` then `make impl` (needs Vivado; see README.md)\n",
            o->vivado.c_str());
        nlohmann::json pblockList = nlohmann::json::array();
        for (const auto& pblock : pblocks.pblocks)
            pblockList.push_back({ { "instance", pblock.instance }, { "layer", pblock.layer },
                { "siteRanges", pblock.ranges.size() }, { "exclusive", pblock.exclusive } });
        nlohmann::json files = nlohmann::json::array();
        for (const auto& file : result.written)
            files.push_back(file.generic_string());
        writeJson(o->json, "export",
            { { "model", design.model }, { "top", design.top }, { "part", options.part }, { "clockNs", clockNs },
                { "ioDelayNs", clockNs * options.ioDelayFraction }, { "output", o->vivado }, { "rtlFiles", rtl },
                { "files", std::move(files) }, { "pblocks", std::move(pblockList) },
                { "deviceFile", deviceFile.empty() ? nlohmann::json() : nlohmann::json(deviceFile) },
                { "notes", pblocks.notes } });
    });
}

} // namespace luthier::cli
