#include "verify/process.h"

#include "util/error.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace luthier::verify {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(20);

// True once `pid` has exited. WNOWAIT leaves it a zombie: an unreaped leader keeps its pid, and with it the
// process group id, from being reused, so signalling the group afterwards cannot hit an unrelated process.
bool hasExited(pid_t pid, const std::string& name)
{
    siginfo_t info {};
    while (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno != EINTR)
            throw Error("waiting for " + name + ": " + std::strerror(errno));
    }
    return info.si_pid == pid;
}

// Kills whatever is left of the group (children the tool started and did not wait for), then reaps the
// leader, which must have exited or been killed already. Returns its wait status.
int killGroupAndReap(pid_t pid)
{
    ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
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
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return std::nullopt;
}

ProcessResult runProcess(const std::vector<std::string>& argv, const std::filesystem::path& workDir,
    const std::filesystem::path& logFile, Progress* progress, uint64_t addressSpaceLimit)
{
    if (argv.empty())
        throw Error("runProcess: empty command");
    const auto program = findProgram(argv[0]);
    if (!program)
        throw Error("program not found on PATH: " + argv[0]);
    std::vector<char*> args;
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
    if (rc != 0)
        throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
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

    try {
        while (!hasExited(pid, argv[0])) {
            if (progress && progress->cancelled()) {
                stopGroup(pid, argv[0]);
                throw Cancelled();
            }
            std::this_thread::sleep_for(kPollInterval);
        }
    } catch (const Cancelled&) {
        throw;
    } catch (...) {
        killGroupAndReap(pid); // waitid failed: do not leave the tool running unwatched
        throw;
    }
    const int status = killGroupAndReap(pid);
    ProcessResult result;
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream log(logFile, std::ios::binary);
    std::ostringstream text;
    text << log.rdbuf();
    result.output = text.str();
    return result;
}

} // namespace luthier::verify
