// luthier-cli verify DIR [--vectors N] [--mismatches M] [--optimise-simulation] [-j N]: build the Verilator
// harness for a compiled design and stream its golden-model vectors through the RTL, split across N harness
// processes (default: one per core). Exit 0 only when every vector matches, 1 otherwise.

#include "commands.h"
#include "console.h"
#include "interrupt.h"
#include "json_output.h"
#include "terminal_progress.h"
#include "util/staged_folder.h"
#include "verify/verilator_run.h"

#include <cstdio>
#include <memory>
#include <thread>

namespace luthier::cli {

void addVerifyCommand(CLI::App& app, Context& context)
{
    struct Options {
        std::string dir;
        int64_t vectors = -1;
        int mismatches = 10;
        bool optimise = false;
        int jobs = 0;
        double memoryLimitGb = 0;
        std::string json;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd
        = app.add_subcommand("verify", "Check a compiled design bit-exactly against the golden model (Verilator)");
    cmd->add_option("dir", o->dir, "Design folder written by compile")->required();
    cmd->add_option("--vectors", o->vectors, "Use only the first N vectors");
    cmd->add_option("--mismatches", o->mismatches, "Mismatches to list");
    cmd->add_flag("--optimise-simulation", o->optimise,
        "Compile the harness with g++ -Os even for 1,000 vectors or fewer (a slower build, a faster simulation)");
    cmd->add_option("-j,--jobs", o->jobs,
           "Harness build jobs and simulation processes, the vectors split between them (default: one per core)")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--memory-limit", o->memoryLimitGb,
           "Address-space limit in GiB of the harness build (each compiler) and of each harness process (0: none)")
        ->check(CLI::Range(0.0, 1e6));
    addJsonOption(cmd, o->json);
    cmd->callback([o, &context] {
        claimJsonStdout(o->json);
        verify::VerifyOptions options;
        options.maxVectors = o->vectors;
        options.maxMismatches = o->mismatches;
        options.optimiseSimulation = o->optimise;
        options.memoryLimitBytes = uint64_t(o->memoryLimitGb * double(uint64_t(1) << 30));
        util::checkFolder(o->dir); // refuses a folder whose files do not match its completion record
        options.jobs = o->jobs > 0 ? o->jobs : int(std::max(1u, std::thread::hardware_concurrency()));
        options.shards = options.jobs;
        TerminalProgress progress; // Ctrl-C stops Verilator's build (make, g++) or the harness
        const verify::VerifyReport r = verify::verifyDesign(o->dir, options, &progress);
        report("%s: %lld vectors, %lld passed, %lld failed\n", r.top.c_str(), (long long)r.vectors, (long long)r.passed,
            (long long)r.failed);
        for (const auto& m : r.mismatches)
            report("  mismatch: sample %lld, output %lld: expected %lld, got %lld\n", (long long)m.sample,
                (long long)m.output, (long long)m.expected, (long long)m.got);
        if (r.failed > int64_t(r.mismatches.size()) && !r.mismatches.empty())
            report("  (first %zu mismatches listed)\n", r.mismatches.size());
        report("cycles per inference: %.1f (streamed), latency %lld cycles; simulation %.0f vectors/s "
               "(%d processes, %.0f cycles/s per core); harness build %.1f s\n",
            r.cyclesPerInference(), (long long)r.latencyCycles, r.vectorsPerSecond(), options.shards,
            r.cyclesPerCpuSecond(), r.buildSeconds);
        report("%s\n", r.ok() ? "PASS: bit-exact on every vector" : "FAIL");
        nlohmann::json mismatches = nlohmann::json::array();
        for (const auto& m : r.mismatches)
            mismatches.push_back(
                { { "sample", m.sample }, { "output", m.output }, { "expected", m.expected }, { "got", m.got } });
        writeJson(o->json, "verify",
            { { "top", r.top }, { "pass", r.ok() }, { "vectors", r.vectors }, { "passed", r.passed },
                { "failed", r.failed }, { "mismatches", std::move(mismatches) },
                { "cyclesPerInference", r.cyclesPerInference() }, { "latencyCycles", r.latencyCycles },
                { "vectorsPerSecond", r.vectorsPerSecond() }, { "processes", options.shards },
                { "buildSeconds", r.buildSeconds } });
        context.exitCode = r.ok() ? 0 : 1;
    });
}

} // namespace luthier::cli
