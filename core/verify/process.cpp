#include "verify/process.h"

#include "util/error.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace luthier::verify {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);

// True once `pid` has exited. WNOWAIT leaves it a zombie: an unreaped leader keeps its pid, and with it the
// process group id, from being reused, so signalling the group afterwards cannot hit an unrelated process.
bool hasExited(pid_t pid, const std::string& name)
{
    siginfo_t info {};
    while (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno != EINTR) throw Error("waiting for " + name + ": " + std::strerror(errno));
    }
    return info.si_pid == pid;
}

// Kills whatever is left of the group (children the tool started and did not wait for), then reaps the
// leader, which must have exited or been killed already. Returns its wait status; `result` (when given) gets
// the largest resident set and the CPU time of the leader and of the descendants it waited for.
int killGroupAndReap(pid_t pid, ProcessResult* result = nullptr)
{
    ::kill(-pid, SIGKILL);
    int status = 0;
    rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) { }
    if (result) {
        result->peakRssBytes = int64_t(usage.ru_maxrss) * 1024; // Linux reports kilobytes
        result->cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + 1e-6 * double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
    }
    return status;
}

// Cancel: SIGTERM to the whole group lets the tools clean up (make deletes half-written targets); whatever
// still runs after the grace period, including a leader that ignores SIGTERM, gets SIGKILL.
void stopGroup(pid_t pid, const std::string& name)
{
    ::kill(-pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kCancelGracePeriod;
    while (!hasExited(pid, name) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(kPollInterval);
    killGroupAndReap(pid);
}

} // namespace

std::optional<std::filesystem::path> findProgram(const std::string& name)
{
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? std::optional<std::filesystem::path>(name) : std::nullopt;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

namespace {

// Starts argv[0] as runProcess describes and returns its pid (the id of its process group too).
pid_t spawnTool(const std::vector<std::string>& argv, const std::filesystem::path& workDir,
    const std::filesystem::path& logFile, uint64_t addressSpaceLimit)
{
    if (argv.empty()) throw Error("runProcess: empty command");
    const auto program = findProgram(argv[0]);
    if (!program) throw Error("program not found on PATH: " + argv[0]);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // stdin from /dev/null: in its own process group the tool is not in the terminal's foreground group, and
    // reading the terminal would stop it (SIGTTIN) for good.
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, logFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addchdir_np(&actions, workDir.c_str());
    // Its own process group (pgid = its pid), so cancel reaches every process the tool starts (Verilator's
    // --build runs make, which runs g++). SIGTERM and SIGINT at their defaults and no signal blocked, whatever
    // this process or the calling thread ignores or blocks, so that the tool can be stopped.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, program->c_str(), &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
    if (addressSpaceLimit) {
        // posix_spawn cannot set limits; set it on the child at once. The tools start small, so the limit is in
        // place before they grow.
        const rlimit limit { rlim_t(addressSpaceLimit), rlim_t(addressSpaceLimit) };
        if (::prlimit(pid, RLIMIT_AS, &limit, nullptr) != 0 && errno != ESRCH) { // ESRCH: it has exited already
            const int error = errno;
            killGroupAndReap(pid);
            throw Error("cannot limit the memory of " + argv[0] + ": " + std::strerror(error));
        }
    }
    return pid;
}

// Waits for every tool in `pids` (an entry becomes 0 once reaped), stopping all of them on cancel.
std::vector<ProcessResult> waitForTools(
    std::vector<pid_t>& pids, const std::vector<ProcessSpec>& specs, Progress* progress)
{
    std::vector<ProcessResult> results(pids.size());
    size_t remaining = pids.size();
    while (remaining > 0) {
        if (progress && progress->cancelled()) {
            for (pid_t pid : pids)
                if (pid > 0) ::kill(-pid, SIGTERM); // every group at once; each then gets its grace period
            for (size_t i = 0; i < pids.size(); ++i)
                if (pids[i] > 0) {
                    stopGroup(pids[i], specs[i].argv[0]);
                    pids[i] = 0;
                }
            throw Cancelled();
        }
        for (size_t i = 0; i < pids.size(); ++i) {
            if (pids[i] == 0 || !hasExited(pids[i], specs[i].argv[0])) continue;
            const int status = killGroupAndReap(pids[i], &results[i]);
            pids[i] = 0;
            --remaining;
            results[i].exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            std::ifstream log(specs[i].logFile, std::ios::binary);
            std::ostringstream text;
            text << log.rdbuf();
            results[i].output = text.str();
        }
        if (remaining > 0) std::this_thread::sleep_for(kPollInterval);
    }
    return results;
}

// Kills and reaps every tool not yet reaped (a failure while starting or watching them).
void killAll(const std::vector<pid_t>& pids)
{
    for (pid_t pid : pids)
        if (pid > 0) killGroupAndReap(pid);
}

std::vector<ProcessResult> runAndWait(
    std::vector<pid_t>& pids, const std::vector<ProcessSpec>& specs, Progress* progress)
{
    try {
        return waitForTools(pids, specs, progress);
    } catch (const Cancelled&) {
        throw;
    } catch (...) {
        killAll(pids); // waitid failed: do not leave the tools running unwatched
        throw;
    }
}

} // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::filesystem::path& workDir,
    const std::filesystem::path& logFile, Progress* progress, uint64_t addressSpaceLimit)
{
    const std::vector<ProcessSpec> specs { { argv, workDir, logFile } };
    std::vector<pid_t> pids { spawnTool(argv, workDir, logFile, addressSpaceLimit) };
    return runAndWait(pids, specs, progress).front();
}

std::vector<ProcessResult> runProcesses(const std::vector<ProcessSpec>& specs, Progress* progress)
{
    std::vector<pid_t> pids;
    try {
        for (const auto& spec : specs)
            pids.push_back(spawnTool(spec.argv, spec.workDir, spec.logFile, spec.addressSpaceLimit));
    } catch (...) {
        killAll(pids);
        throw;
    }
    return runAndWait(pids, specs, progress);
}

} // namespace luthier::verify
