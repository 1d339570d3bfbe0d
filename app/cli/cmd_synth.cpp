// luthier-cli synth DIR [--layer NAME]... [--max-lut N] [--memory-limit GB]: synthesise the layers of a compiled
// design with Yosys and print LUT/FF/carry counts beside the compiler's estimate. A layer Yosys fails on is
// listed with the reason and the others still run; the command then ends with an error (exit status 2).

#include "commands.h"
#include "console.h"
#include "interrupt.h"
#include "json_output.h"
#include "terminal_progress.h"
#include "util/error.h"
#include "util/staged_folder.h"
#include "verify/yosys_run.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace luthier::cli {

void addSynthCommand(CLI::App& app, Context&)
{
    struct Options {
        std::string dir;
        std::vector<std::string> layers;
        int jobs = 2;
        int64_t maxLut = 0;
        int memoryLimitGb = 0;
        std::string json;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd
        = app.add_subcommand("synth", "Synthesise a compiled design's layers with Yosys; compare with the estimate");
    cmd->add_option("dir", o->dir, "Design folder written by compile")->required();
    cmd->add_option("--layer", o->layers, "Only this layer (module or model name); repeatable");
    cmd->add_option("-j,--jobs", o->jobs, "Parallel Yosys processes")->check(CLI::PositiveNumber);
    cmd->add_option("--max-lut", o->maxLut, "Skip layers estimated above this many LUTs (0: none)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--memory-limit", o->memoryLimitGb, "Address-space limit of each Yosys process in GiB (0: none)")
        ->check(CLI::NonNegativeNumber);
    addJsonOption(cmd, o->json);
    cmd->callback([o] {
        claimJsonStdout(o->json);
        verify::SynthOptions options;
        options.layers = o->layers;
        options.jobs = o->jobs;
        options.maxEstimateLut = o->maxLut;
        options.memoryLimitGb = o->memoryLimitGb;
        util::checkFolder(o->dir); // refuses a folder whose files do not match its completion record
        TerminalProgress progress; // Ctrl-C stops the Yosys processes
        const verify::SynthReport r = verify::synthDesign(o->dir, options, &progress);
        report("Yosys %s, per layer (estimate vs synthesis)\n", r.flow.c_str());
        report("%-24s %8s %8s %7s %8s %8s %7s %7s %7s %6s\n", "layer", "LUT est", "LUT", "err %", "FF est", "FF",
            "carry", "MUXF", "path ns", "s");
        int64_t lutEst = 0, lut = 0, ffEst = 0, ff = 0, carry = 0, muxf = 0, slowest = 0;
        for (const auto& l : r.layers) {
            if (!l.synthesised()) {
                report("%-24.24s %8lld  %s%s\n", l.module.c_str(), (long long)l.estimateLut, l.problem.c_str(),
                    l.skipped ? "" : ("; log " + l.log.string()).c_str());
                continue;
            }
            report("%-24.24s %8lld %8lld %+7.1f %8lld %8lld %7lld %7lld %7.2f %6.1f\n", l.module.c_str(),
                (long long)l.estimateLut, (long long)l.counts.lut, l.lutErrorPercent(), (long long)l.estimateFf,
                (long long)l.counts.ff, (long long)l.counts.carry, (long long)l.counts.muxf,
                double(l.criticalPathPs) / 1000.0, l.seconds);
            slowest = std::max(slowest, l.criticalPathPs);
            lutEst += l.estimateLut, lut += l.counts.lut, ffEst += l.estimateFf, ff += l.counts.ff;
            carry += l.counts.carry, muxf += l.counts.muxf;
        }
        report("%-24s %8lld %8lld %+7.1f %8lld %8lld %7lld %7lld\n",
            r.allSynthesised() ? "total" : "synthesised layers", (long long)lutEst, (long long)lut,
            lut ? 100.0 * double(lutEst - lut) / double(lut) : 0.0, (long long)ffEst, (long long)ff, (long long)carry,
            (long long)muxf);
        if (slowest > 0)
            report("critical path %.2f ns in cell delays alone (Yosys sta, Artix-7 cell timing, no routing): "
                   "Fmax at most %.0f MHz; placed and routed it is lower\n",
                double(slowest) / 1000.0, 1e6 / double(slowest));
        // Written before a failed layer makes the command an error, so a script still gets every count.
        nlohmann::json layers = nlohmann::json::array();
        for (const auto& l : r.layers) {
            nlohmann::json j = { { "module", l.module }, { "name", l.name }, { "synthesised", l.synthesised() },
                { "estimate", { { "lut", l.estimateLut }, { "ff", l.estimateFf }, { "carry", l.estimateCarry } } },
                { "seconds", l.seconds } };
            if (l.synthesised())
                j["yosys"] = { { "lut", l.counts.lut }, { "ff", l.counts.ff }, { "carry", l.counts.carry },
                    { "muxf", l.counts.muxf }, { "cells", l.counts.cells },
                    { "criticalPathNs", double(l.criticalPathPs) / 1000.0 } };
            else
                j["problem"] = { { "reason", l.problem }, { "skipped", l.skipped } };
            if (!l.log.empty()) j["log"] = l.log.string();
            layers.push_back(std::move(j));
        }
        writeJson(o->json, "synth",
            { { "flow", r.flow }, { "allSynthesised", r.allSynthesised() }, { "layers", std::move(layers) },
                { "total",
                    { { "estimateLut", lutEst }, { "lut", lut }, { "estimateFf", ffEst }, { "ff", ff },
                        { "carry", carry }, { "muxf", muxf } } },
                { "criticalPathNs", double(slowest) / 1000.0 } });
        for (const auto& l : r.layers)
            if (!l.synthesised() && !l.skipped) throw Error("Yosys failed on " + l.module + " (listed above)");
    });
}

} // namespace luthier::cli
