#include "slurm_executor.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"
#include "verify/process.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <thread>

namespace luthier::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A word for /bin/sh: single-quoted, a quote inside closed, escaped and reopened.
std::string shellQuote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

struct Tool {
    int exitCode;
    std::string output;
};

// A Slurm client command; its output (stdout and stderr) goes to DIR/slurm/NAME.log as well.
Tool slurmTool(const Plan& plan, const std::vector<std::string>& argv)
{
    if (!verify::findProgram(argv.at(0)))
        throw Error(argv[0]
            + " is not installed here: --slurm needs the Slurm client commands (sbatch, squeue, "
              "scancel) on PATH and a cluster they reach (docs/sweeps.md)");
    const fs::path log = plan.dir / "slurm" / (argv[0] + ".log");
    const verify::ProcessResult r = verify::runProcess(argv, plan.dir, log);
    return { r.exitCode, r.output };
}

json loadJobs(const Plan& plan)
{
    const fs::path file = plan.dir / "slurm" / "jobs.json";
    return fs::exists(file) ? util::loadJsonFile(file, "sweep's Slurm jobs") : json::array();
}

// Job ids of this sweep that squeue still lists.
std::set<std::string> queued(const Plan& plan, const std::vector<std::string>& jobs)
{
    std::set<std::string> listed;
    if (jobs.empty()) return listed;
    std::string ids;
    for (const std::string& j : jobs)
        ids += (ids.empty() ? "" : ",") + j;
    // -j with jobs that left the queue long ago fails ("Invalid job id"): ask for all of ours and filter instead.
    const Tool t = slurmTool(plan, { "squeue", "-h", "--name=luthier-sweep", "-o", "%F" });
    if (t.exitCode != 0) throw Error("squeue failed: " + t.output);
    std::istringstream lines(t.output);
    std::string line;
    while (std::getline(lines, line))
        if (std::find(jobs.begin(), jobs.end(), line) != jobs.end()) listed.insert(line);
    return listed;
}

// What accounting says about a task ("FAILED 1:0", "NODE_FAIL 0:0"), or "" when the cluster keeps none (sacct
// then fails: "Slurm accounting storage is disabled").
std::string accountedState(const Plan& plan, const std::string& task)
{
    if (!verify::findProgram("sacct")) return {};
    const Tool t = slurmTool(plan, { "sacct", "-n", "-P", "-X", "-j", task, "-o", "State,ExitCode" });
    if (t.exitCode != 0) return {};
    std::string line = t.output.substr(0, t.output.find('\n'));
    std::replace(line.begin(), line.end(), '|', ' ');
    return line;
}

void sleepFor(std::chrono::milliseconds d, Progress& progress)
{
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
        progress.checkpoint();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

std::string arraySpec(const std::vector<int>& indicesIn)
{
    std::vector<int> indices = indicesIn;
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    std::string spec;
    for (size_t i = 0; i < indices.size();) {
        size_t j = i;
        while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1)
            ++j;
        spec += (spec.empty() ? "" : ",") + std::to_string(indices[i]);
        if (j > i) spec += "-" + std::to_string(indices[j]);
        i = j + 1;
    }
    return spec;
}

std::string submitArray(const Plan& plan, const std::vector<int>& indices, const SlurmOptions& options)
{
    if (indices.empty()) throw InternalError("submitArray: no points");
    const fs::path slurm = plan.dir / "slurm";
    fs::create_directories(slurm);
    // A resubmitted point's old failure record would read as this array's outcome before its task even started.
    for (int i : indices)
        fs::remove(plan.points.at(size_t(i)).folder(plan.dir) / "failure.json");
    const fs::path script = slurm / "array.sh";
    util::writeFileAtomic(script,
        "#!/bin/sh\n# One task of a Luthier sweep's job array: runs the point whose index is the task id.\nexec "
            + shellQuote(plan.cli) + " sweep point " + shellQuote(plan.dir.string()) + " \"$SLURM_ARRAY_TASK_ID\"\n");
    std::vector<std::string> argv = { "sbatch", "--parsable", "--job-name=luthier-sweep",
        "--array=" + arraySpec(indices) + (options.maxRunning > 0 ? "%" + std::to_string(options.maxRunning) : ""),
        "--output=" + (slurm / "%A_%a.out").string(), "--chdir=" + plan.dir.string(),
        "--cpus-per-task=" + std::to_string(options.cpusPerTask) };
    if (!options.partition.empty()) argv.push_back("--partition=" + options.partition);
    if (!options.time.empty()) argv.push_back("--time=" + options.time);
    if (!options.mem.empty()) argv.push_back("--mem=" + options.mem);
    if (!options.account.empty()) argv.push_back("--account=" + options.account);
    argv.push_back(script.string());
    const Tool t = slurmTool(plan, argv);
    // --parsable prints "JOBID" or "JOBID;CLUSTER" as its last line (warnings may come before it).
    std::string last;
    std::istringstream lines(t.output);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) last = line;
    std::string id = last.substr(0, last.find(';'));
    if (t.exitCode != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        throw Error("sbatch did not submit the sweep's job array: " + t.output);
    json jobs = loadJobs(plan);
    jobs.push_back({ { "job", id }, { "points", indices } });
    util::writeFileAtomic(slurm / "jobs.json", util::dumpJson(jobs, 2) + "\n");
    return id;
}

void followArray(const Plan& plan, const std::string& jobId, const std::vector<int>& indices,
    const SlurmOptions& options, Progress& progress, const PointDone& done)
{
    std::set<int> open(indices.begin(), indices.end());
    const auto collect = [&] {
        for (auto it = open.begin(); it != open.end();) {
            const Point& p = plan.points.at(size_t(*it));
            const PointState s = pointState(plan, p);
            if (s == PointState::Unfinished) {
                ++it;
                continue;
            }
            done(p, s);
            it = open.erase(it);
        }
    };
    while (!queued(plan, { jobId }).empty()) {
        collect();
        sleepFor(options.poll, progress);
    }
    collect();
    for (int i : open) {
        const Point& p = plan.points.at(size_t(i));
        const std::string task = jobId + "_" + std::to_string(i);
        const std::string state = accountedState(plan, task);
        std::string reason = "Slurm task " + task;
        reason += " ended without a record (";
        reason += state.empty() ? "killed, node lost or out of time" : state;
        reason += "; its output: slurm/" + task + ".out)";
        markFailed(plan, p, reason);
        done(p, PointState::Failed);
    }
}

std::vector<std::string> liveArrays(const Plan& plan)
{
    std::vector<std::string> all;
    for (const json& j : loadJobs(plan))
        all.push_back(j.at("job").get<std::string>());
    if (all.empty()) return all;
    const std::set<std::string> live = queued(plan, all);
    return { live.begin(), live.end() };
}

std::vector<std::string> cancelArrays(const Plan& plan, const SlurmOptions& options, Progress& progress)
{
    std::vector<std::string> cancelled = liveArrays(plan);
    if (cancelled.empty()) return cancelled;
    std::vector<std::string> argv = { "scancel" };
    argv.insert(argv.end(), cancelled.begin(), cancelled.end());
    const Tool t = slurmTool(plan, argv);
    if (t.exitCode != 0) throw Error("scancel failed: " + t.output);
    while (!queued(plan, cancelled).empty())
        sleepFor(std::min(options.poll, std::chrono::milliseconds(1000)), progress);
    return cancelled;
}

} // namespace luthier::sweep
