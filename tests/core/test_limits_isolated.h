#pragma once
// Runs a piece of code on hostile input in a forked child and reports how it ended: returned, threw
// luthier::Error (with its message), threw something else, or died by a signal (a crash, a sanitizer abort,
// or SIGALRM after `timeoutSeconds`). The child's peak RSS growth tells how much memory the code needed:
// a forked child's high-water mark starts at its RSS at fork time, so peak minus start is the growth.

#include "util/error.h"

#include <csignal>
#include <cstring>
#include <exception>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace luthier::testing {

struct Outcome {
    bool crashed = false; // killed by a signal or exited without reporting
    int signal = 0;
    int exitStatus = 0; // when it exited without a report: UBSan's halt_on_error exits with 1
    bool threwError = false; // luthier::Error
    bool threwOther = false; // any other exception: a bug, user input must give luthier::Error
    std::string message;
    long rssGrowthKb = 0;

    bool imported() const { return !crashed && !threwError && !threwOther; }
    std::string describe() const
    {
        if (crashed)
            return signal ? std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")"
                          : "exited with status " + std::to_string(exitStatus)
                    + " without a report (a sanitizer report is in the output above)";
        std::string kind = threwError ? "luthier::Error: " : threwOther ? "other exception: " : "returned";
        return kind + message + " (peak RSS growth " + std::to_string(rssGrowthKb / 1024) + " MiB)";
    }
};

inline long peakRssKb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

template <typename F> Outcome runIsolated(F&& body, unsigned timeoutSeconds = 60)
{
    int fds[2];
    if (pipe(fds) != 0) {
        Outcome failed;
        failed.crashed = true;
        failed.message = "pipe failed";
        return failed;
    }
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        // QtTest's crash handler (inherited from the parent) would attach a debugger and print every frame of
        // a stack overflow; the child should just die and let the parent name the signal.
        for (int sig : { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT })
            std::signal(sig, SIG_DFL);
        alarm(timeoutSeconds);
        const long start = peakRssKb();
        char kind = 'R';
        std::string message;
        try {
            body();
        } catch (const luthier::Error& e) {
            kind = 'E';
            message = e.what();
        } catch (const std::exception& e) {
            kind = 'X';
            message = e.what();
        } catch (...) {
            kind = 'X';
            message = "unknown exception";
        }
        const std::string report = std::to_string(peakRssKb() - start) + " " + kind + message;
        const ssize_t written = write(fds[1], report.data(), report.size());
        _exit(written == ssize_t(report.size()) ? 0 : 1); // no atexit handlers: the parent owns them
    }
    close(fds[1]);
    std::string report;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0)
        report.append(buffer, size_t(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    Outcome o;
    const size_t space = report.find(' ');
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || space == std::string::npos || space + 1 >= report.size()) {
        o.crashed = true;
        o.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        o.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        return o;
    }
    o.rssGrowthKb = std::stol(report.substr(0, space));
    o.threwError = report[space + 1] == 'E';
    o.threwOther = report[space + 1] == 'X';
    o.message = report.substr(space + 2);
    return o;
}

} // namespace luthier::testing
