// luthier-cli sweep plan|run|resume|report|point: design-space sweeps (docs/sweeps.md). `plan SWEEP.json -o DIR`
// expands a description into points (each a list of luthier-cli command lines with its own folder); `run DIR`
// runs the points without a record, on a local pool (--local -j N, the default) or as one Slurm job array
// (--slurm); `resume DIR` cancels the sweep's arrays still queued and runs every point not finished, failed ones
// included; `report DIR` prints the table and the Pareto fronts and writes the SVG plot; `point DIR I` is what a
// Slurm task runs. Exit status 1 when a point failed.

#include "commands.h"
#include "interrupt.h"
#include "sweep/pareto_svg.h"
#include "sweep/slurm_executor.h"
#include "sweep/sweep_report.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::cli {

namespace {

struct RunOptions {
    std::string dir;
    bool local = false, slurm = false;
    int jobs = 2;
    double pollSeconds = 5;
    sweep::SlurmOptions slurmOptions;
};

void addRunOptions(CLI::App* cmd, RunOptions& o)
{
    cmd->add_option("dir", o.dir, "Sweep folder written by `sweep plan`")->required();
    auto* local = cmd->add_flag("--local", o.local, "Run the points on this machine (the default)");
    cmd->add_flag("--slurm", o.slurm, "Submit the points as one Slurm job array and follow it")->excludes(local);
    cmd->add_option("-j,--jobs", o.jobs, "Points at a time with --local")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--partition", o.slurmOptions.partition, "Slurm partition (default: the cluster's)");
    cmd->add_option("--time", o.slurmOptions.time, "Slurm time limit of each point, e.g. 30:00");
    cmd->add_option("--mem", o.slurmOptions.mem, "Slurm memory of each point, e.g. 4G");
    cmd->add_option("--account", o.slurmOptions.account, "Slurm account to charge");
    cmd->add_option("--cpus-per-point", o.slurmOptions.cpusPerTask, "Slurm CPUs of each point")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option(
           "--max-running", o.slurmOptions.maxRunning, "Slurm tasks of the sweep running at once (0: no limit)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--poll", o.pollSeconds, "Seconds between two squeue calls")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
}

// Runs `indices` with the chosen executor, printing each point as it ends. Returns the number that failed.
int execute(const sweep::Plan& plan, const std::vector<int>& indices, RunOptions& o)
{
    int ended = 0, failed = 0;
    const auto done = [&](const sweep::Point& p, sweep::PointState s) {
        ++ended;
        std::string what = "finished";
        if (s == sweep::PointState::Failed) {
            ++failed;
            const auto f = sweep::pointFailure(plan, p);
            what = "failed: " + (f ? f->value("reason", "") : std::string());
        }
        std::printf("[%d/%zu] %s: %s\n", ended, indices.size(), p.name.c_str(), what.c_str());
        std::fflush(stdout);
    };
    InterruptibleProgress progress;
    if (o.slurm) {
        o.slurmOptions.poll = std::chrono::milliseconds(int64_t(o.pollSeconds * 1000));
        const std::string job = sweep::submitArray(plan, indices, o.slurmOptions);
        std::printf("submitted job array %s: %zu points (%s)\n", job.c_str(), indices.size(),
            sweep::arraySpec(indices).c_str());
        std::fflush(stdout);
        try {
            sweep::followArray(plan, job, indices, o.slurmOptions, progress, done);
        } catch (const Cancelled&) {
            std::fprintf(stderr,
                "stopped following job %s; its tasks keep running. `luthier-cli sweep resume %s --slurm` cancels "
                "them and resubmits the unfinished points\n",
                job.c_str(), o.dir.c_str());
            throw;
        }
    } else {
        sweep::runLocal(plan, indices, o.jobs, progress, done);
    }
    return failed;
}

void finish(const sweep::Plan& plan, int failed, Context& context)
{
    const sweep::Report r = sweep::buildReport(plan);
    std::printf("%d of %zu points finished, %d failed, %d unfinished: `luthier-cli sweep report %s`\n", r.finished,
        r.rows.size(), r.failed, r.unfinished, plan.dir.string().c_str());
    if (failed > 0 || r.failed > 0) context.exitCode = 1;
}

} // namespace

void addSweepCommand(CLI::App& app, Context& context)
{
    CLI::App* sweepCmd = app.add_subcommand("sweep", "Design-space sweeps: plan, run (locally or on Slurm), report");
    sweepCmd->require_subcommand(1);

    struct PlanOptions {
        std::string description, out, cli;
    };
    auto po = std::make_shared<PlanOptions>();
    CLI::App* plan = sweepCmd->add_subcommand("plan", "Expand a sweep description into points in a folder");
    plan->add_option("description", po->description, "Sweep description (JSON, docs/sweeps.md)")->required();
    plan->add_option("-o,--output", po->out, "Sweep folder to write")->required();
    plan->add_option("--cli", po->cli,
        "luthier-cli the points run (default: this one; on a cluster, a path every "
        "node sees)");
    plan->callback([po] {
        const std::string cli = po->cli.empty() ? std::filesystem::canonical("/proc/self/exe").string()
                                                : std::filesystem::absolute(po->cli).string();
        const sweep::Plan p = sweep::planSweep(po->description, po->out, cli);
        std::printf("%zu points in %s\n", p.points.size(), p.dir.string().c_str());
        for (const sweep::Point& point : p.points) {
            std::printf("  %02d %s:", point.index, point.name.c_str());
            for (const sweep::Command& c : point.commands)
                std::printf(" %s", c.step.c_str());
            std::printf("\n");
        }
        util::flushStdout();
    });

    auto ro = std::make_shared<RunOptions>();
    CLI::App* run = sweepCmd->add_subcommand("run", "Run the points that have no record yet");
    addRunOptions(run, *ro);
    run->callback([ro, &context] {
        const sweep::Plan p = sweep::loadPlan(ro->dir);
        if (ro->slurm)
            for (const std::string& job : sweep::liveArrays(p))
                throw Error("job array " + job
                    + " of this sweep is still in the queue: wait for it, or run `sweep "
                      "resume` to cancel it and resubmit what is unfinished");
        const std::vector<int> indices = sweep::pointsToRun(p, false);
        std::printf("%zu of %zu points to run\n", indices.size(), p.points.size());
        const int failed = indices.empty() ? 0 : execute(p, indices, *ro);
        finish(p, failed, context);
    });

    auto so = std::make_shared<RunOptions>();
    CLI::App* resume
        = sweepCmd->add_subcommand("resume", "Cancel the sweep's queued arrays, then run every unfinished point");
    addRunOptions(resume, *so);
    resume->callback([so, &context] {
        const sweep::Plan p = sweep::loadPlan(so->dir);
        if (std::filesystem::exists(p.dir / "slurm" / "jobs.json")) {
            InterruptibleProgress progress;
            for (const std::string& job : sweep::cancelArrays(p, so->slurmOptions, progress))
                std::printf("cancelled job array %s\n", job.c_str());
        }
        const std::vector<int> indices = sweep::pointsToRun(p, true);
        std::printf("%zu finished points kept, %zu to run\n", p.points.size() - indices.size(), indices.size());
        const int failed = indices.empty() ? 0 : execute(p, indices, *so);
        finish(p, failed, context);
    });

    struct ReportOptions {
        std::string dir, svg;
        bool json = false;
    };
    auto rep = std::make_shared<ReportOptions>();
    CLI::App* report = sweepCmd->add_subcommand("report", "The table of every point, the Pareto fronts, the plot");
    report->add_option("dir", rep->dir, "Sweep folder")->required();
    report->add_flag("--json", rep->json, "Print JSON");
    report->add_option("--svg", rep->svg, "Write the accuracy-vs-LUTs plot here (default: DIR/pareto.svg)");
    report->callback([rep] {
        const sweep::Plan p = sweep::loadPlan(rep->dir);
        const sweep::Report r = sweep::buildReport(p);
        util::writeFileAtomic(
            rep->svg.empty() ? p.dir / "pareto.svg" : std::filesystem::path(rep->svg), sweep::paretoSvg(r));
        util::writeStdout(rep->json ? util::dumpJson(sweep::toJson(r), 2) + "\n" : sweep::toText(r));
        util::flushStdout();
    });

    struct PointOptions {
        std::string dir;
        int index = 0;
    };
    auto pt = std::make_shared<PointOptions>();
    CLI::App* point = sweepCmd->add_subcommand("point", "Run one point (what each Slurm task runs)");
    point->add_option("dir", pt->dir, "Sweep folder")->required();
    point->add_option("index", pt->index, "Point index")->required()->check(CLI::NonNegativeNumber);
    point->callback([pt, &context] {
        const sweep::Plan p = sweep::loadPlan(pt->dir);
        if (size_t(pt->index) >= p.points.size())
            throw Error("sweep point: " + std::to_string(pt->index) + " is not a point of " + p.dir.string()
                + " (it has " + std::to_string(p.points.size()) + ")");
        const sweep::Point& one = p.points[size_t(pt->index)];
        InterruptibleProgress progress;
        if (sweep::runPoint(p, one, &progress) == sweep::PointState::Failed) {
            std::fprintf(stderr, "%s failed: %s\n", one.name.c_str(),
                sweep::pointFailure(p, one).value_or(nlohmann::json::object()).value("reason", "").c_str());
            context.exitCode = 1;
        }
    });
}

} // namespace luthier::cli
