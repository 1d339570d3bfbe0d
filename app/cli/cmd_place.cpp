// luthier-cli place DIR [--part P] [--constraints C.json] [--seed S] [--effort E] [--dump-heatmap NAME FILE]...
// [--device-dir D]...: place a compiled design folder on a device, print utilisation, per-layer bounding
// boxes, wirelength and peak wire demand before/after annealing; write DIR/placement.json and
// DIR/heatmap_<name>.csv for every heatmap.

#include "commands.h"
#include "console.h"
#include "device/device_loader.h"
#include "json_output.h"
#include "place/heatmap.h"
#include "place/manifest_netlist.h"
#include "place/netlist_io.h"
#include "place/placement_io.h"
#include "place/placer.h"
#include "terminal_progress.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/staged_folder.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::cli {

namespace fs = std::filesystem;

namespace {

nlohmann::json usageJson(int64_t used, int64_t available)
{
    return { { "used", used }, { "available", available } };
}

void printUsage(const char* what, int64_t used, int64_t available)
{
    report("  %-5s %12s / %-12s %6.2f %%\n", what, device::withThousands(used).c_str(),
        device::withThousands(available).c_str(), available ? 100.0 * double(used) / double(available) : 0.0);
}

} // namespace

void addPlaceCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string dir, part, constraints;
        uint64_t seed = 1;
        double effort = 1.0;
        double congestionWeight = 0.5;
        bool noAnneal = false;
        std::vector<std::pair<std::string, std::string>> dumps;
        std::vector<std::string> deviceDirs;
        std::string json;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("place", "Place a compiled design on a device and write placement + heatmaps");
    cmd->add_option("dir", o->dir, "Design folder written by `luthier-cli compile`")->required();
    cmd->add_option("--part", o->part, "Device part, e.g. xcvu13p (default: the manifest's part)");
    cmd->add_option("--constraints", o->constraints,
        "Constraints JSON (the project file's constraints section, or a .luthier file)");
    cmd->add_option("--seed", o->seed, "Annealing seed (same seed, same placement)");
    cmd->add_option("--effort", o->effort, "Annealing effort multiplier")->check(CLI::Range(0.01, 100.0));
    cmd->add_option("--congestion-weight", o->congestionWeight, "Weight of congestion against wirelength")
        ->check(CLI::Range(0.0, 100.0));
    cmd->add_flag("--no-anneal", o->noAnneal, "Initial placement only");
    cmd->add_option("--dump-heatmap", o->dumps, "Also write heatmap NAME (lut, rudy, muxfanin) to FILE");
    cmd->add_option("--device-dir", o->deviceDirs, "Extra folder with device JSON files");
    addJsonOption(cmd, o->json);
    cmd->callback([o] {
        claimJsonStdout(o->json);
        const fs::path dir(o->dir);
        util::checkFolder(dir); // refuses a folder whose files do not match its completion record
        const fs::path manifestFile = dir / "manifest.json";
        const nlohmann::json manifest = util::loadJsonFile(
            manifestFile, "the design manifest (is the folder a design compiled with `luthier-cli compile`?)");
        std::string part = o->part;
        if (part.empty() && manifest.contains("part") && manifest["part"].is_string())
            part = manifest["part"].get<std::string>();
        if (part.empty()) throw Error("no device part: pass --part (e.g. --part xcvu13p)");
        std::vector<fs::path> deviceDirs(o->deviceDirs.begin(), o->deviceDirs.end());
        const device::Device device = device::findDevice(part, deviceDirs);
        const std::vector<std::string> names = place::heatmapNames();
        for (const auto& [name, file] : o->dumps)
            if (std::find(names.begin(), names.end(), name) == names.end())
                throw Error("--dump-heatmap: unknown heatmap '" + name + "' (known: lut, rudy, muxfanin)");

        place::Netlist netlist;
        std::string source;
        if (std::error_code ec; fs::exists(dir / place::kNetlistFile, ec)) {
            netlist = place::loadNetlist(dir / place::kNetlistFile);
            source = place::kNetlistFile;
        } else {
            netlist = place::approximateNetlist(manifest, manifestFile.string(), o->seed);
            source = "estimated from manifest.json (no netlist.json: multiplexer connectivity sampled from per-layer "
                     "fan-in; wirelengths are estimates)";
        }
        place::Constraints constraints;
        if (!o->constraints.empty()) constraints = place::loadConstraints(o->constraints);

        place::PlaceOptions options;
        options.seed = o->seed;
        options.effort = o->effort;
        options.congestionWeight = o->congestionWeight;
        options.anneal = !o->noAnneal;
        place::Placement p;
        {
            TerminalProgress progress;
            p = place::place(device, netlist, constraints, options, progress);
        }

        report("design: %s (%zu layers, %zu units, %zu nets)\n", o->dir.c_str(), netlist.layers.size(),
            netlist.units.size(), netlist.nets.size());
        report("netlist: %s\n", source.c_str());
        const auto& info = device.info();
        report("device: %s (%s, %d x %d tiles, %d SLR%s, K=%d)%s\n", device.part().c_str(), info.family.c_str(),
            device.width(), device.height(), device.slrCount(), device.slrCount() == 1 ? "" : "s", info.lutInputs,
            info.approximate ? "; column layout approximate" : "");
        device::Resources used;
        for (const auto& d : p.unitDemand)
            used += d;
        const device::Resources total = device.totals();
        report("utilisation:\n");
        printUsage("LUT", used.luts, total.luts);
        printUsage("FF", used.ffs, total.ffs);
        printUsage("DSP", used.dsps, total.dsps);
        printUsage("BRAM", used.brams, total.brams);
        report("placement: %zu cells, %d temperatures, %lld moves (%.1f %% accepted), seed %llu, effort %g, %.2f s\n",
            p.cells.size(), p.temperatures, (long long)p.moves,
            p.moves ? 100.0 * double(p.accepted) / double(p.moves) : 0.0, (unsigned long long)p.seed, p.effort,
            p.seconds);
        report("  %-30s %14s %14s\n", "", "initial", "final");
        report("  %-30s %14.0f %14.0f\n", "wirelength (wire x tiles)", p.initial.wirelength, p.final.wirelength);
        report("  %-30s %14.2f %14.2f\n", "peak wire demand (wires/tile)", p.initial.peakWireDemand,
            p.final.peakWireDemand);
        report("  %-30s %14.4f %14.4f\n", "cost", p.initial.cost, p.final.cost);
        report("layer bounding boxes:\n");
        const auto bounds = place::layerBounds(netlist, p);
        nlohmann::json layers = nlohmann::json::array();
        for (size_t l = 0; l < netlist.layers.size(); ++l) {
            int units = 0;
            for (const auto& u : netlist.units)
                units += u.layer == int(l);
            const auto& b = bounds[l];
            layers.push_back({ { "name", netlist.layers[l] }, { "units", units },
                { "bounds",
                    b.col0 < 0 ? nlohmann::json()
                               : nlohmann::json { { "col0", b.col0 }, { "row0", b.row0 }, { "col1", b.col1 },
                                   { "row1", b.row1 } } } });
            report("  %-28.28s %-22s %4d units\n", netlist.layers[l].c_str(),
                bounds[l].col0 < 0 ? "-" : device::toString(bounds[l]).c_str(), units);
        }

        place::writePlacement(dir / place::kPlacementFile, device, netlist, p);
        nlohmann::json written = { (dir / place::kPlacementFile).string() };
        report("wrote %s\n", (dir / place::kPlacementFile).string().c_str());
        for (const std::string& name : place::heatmapNames()) {
            const place::Heatmap map = place::heatmap(name, device, netlist, p);
            const fs::path file = dir / ("heatmap_" + name + ".csv");
            place::writeCsv(map, file);
            written.push_back(file.string());
            report("wrote %s (max %.4g %s)\n", file.string().c_str(), map.max(), map.unit.c_str());
            for (const auto& [dumpName, dumpFile] : o->dumps)
                if (dumpName == name) {
                    place::writeCsv(map, dumpFile);
                    report("wrote %s\n", dumpFile.c_str());
                    written.push_back(dumpFile);
                }
        }
        const auto stats = [](const auto& s) {
            return nlohmann::json { { "wirelength", s.wirelength }, { "peakWireDemand", s.peakWireDemand },
                { "cost", s.cost } };
        };
        writeJson(o->json, "place",
            { { "design", o->dir }, { "netlist", source },
                { "device",
                    { { "part", device.part() }, { "family", info.family }, { "width", device.width() },
                        { "height", device.height() }, { "slrs", device.slrCount() }, { "lutInputs", info.lutInputs },
                        { "approximate", info.approximate } } },
                { "utilisation",
                    { { "lut", usageJson(used.luts, total.luts) }, { "ff", usageJson(used.ffs, total.ffs) },
                        { "dsp", usageJson(used.dsps, total.dsps) }, { "bram", usageJson(used.brams, total.brams) } } },
                { "placement",
                    { { "cells", p.cells.size() }, { "temperatures", p.temperatures }, { "moves", p.moves },
                        { "accepted", p.accepted }, { "seed", p.seed }, { "effort", p.effort },
                        { "seconds", p.seconds } } },
                { "initial", stats(p.initial) }, { "final", stats(p.final) }, { "layers", std::move(layers) },
                { "written", std::move(written) } });
    });
}

} // namespace luthier::cli
