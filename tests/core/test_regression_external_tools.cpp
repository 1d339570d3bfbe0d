// External tools (Verilator, Yosys, the built harness) run through verify::runProcess: an argument vector,
// never a shell, so paths with spaces, quotes and non-ASCII letters pass through unchanged; the exit code
// and the tool's stderr reach the caller; and cancelling stops a tool that hangs, including one that
// ignores SIGTERM and the compilers it started (Verilator's --build runs make, which runs g++), leaving no
// process behind. luthier-cli verify, interrupted by SIGINT (Ctrl-C) or SIGTERM (the workbench's cancel)
// while Verilator builds, stops Verilator, make and g++ and dies by that signal.
// Also compiles and verifies the JSC model in a folder named "out dir ü" end to end, and checks that a tool's
// memory limit reaches it and that synthesis reports a layer Yosys fails on while the others still run.

#include "arch/hw_design.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/golden_vectors.h"
#include "rtl/verilog_emitter.h"
#include "sim/dataset.h"
#include "verify/process.h"
#include "verify/verilator_run.h"
#include "verify/yosys_run.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using namespace luthier;
namespace fs = std::filesystem;

namespace {

struct ProcStat {
    pid_t pid = 0, parent = 0, group = 0;
    std::string name, state;
    unsigned long long startTicks = 0; // with the pid, identifies the process (pids are reused)
};

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so the fields
// after it are read from the last ')'.
std::optional<ProcStat> readStat(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text)) return std::nullopt;
    const size_t open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) return std::nullopt;
    ProcStat s;
    s.pid = pid;
    s.name = text.substr(open + 1, close - open - 1);
    std::istringstream rest(text.substr(close + 1));
    rest >> s.state >> s.parent >> s.group;
    std::string skipped;
    for (int field = 6; field < 22; ++field) // session .. nice, itrealvalue: up to starttime, field 22
        rest >> skipped;
    rest >> s.startTicks;
    return s;
}

std::vector<ProcStat> allProcesses()
{
    std::vector<ProcStat> all;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") == std::string::npos)
            if (const auto s = readStat(pid_t(std::stoi(name)))) all.push_back(*s);
    }
    return all;
}

// Alive and not a zombie waiting for its parent to reap it; with `startTicks`, only if it is still the same
// process, not a new one that was given the pid.
bool running(pid_t pid, unsigned long long startTicks = 0)
{
    const auto s = readStat(pid);
    return s && s->state != "Z" && s->state != "X" && (startTicks == 0 || s->startTicks == startTicks);
}

bool stopsWithinASecond(pid_t pid, unsigned long long startTicks = 0)
{
    // SIGKILL is delivered asynchronously: give the process a moment to die.
    for (int i = 0; i < 50 && running(pid, startTicks); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return !running(pid, startTicks);
}

// Processes descended from `root`, found through their parent links.
std::vector<ProcStat> descendants(pid_t root)
{
    const std::vector<ProcStat> all = allProcesses();
    std::set<pid_t> tree { root };
    std::vector<ProcStat> found;
    for (bool grew = true; grew;) {
        grew = false;
        for (const ProcStat& p : all)
            if (tree.count(p.parent) && tree.insert(p.pid).second) {
                found.push_back(p);
                grew = true;
            }
    }
    return found;
}

// Live processes in process group `group`.
std::vector<pid_t> groupMembers(pid_t group)
{
    std::vector<pid_t> members;
    for (const ProcStat& p : allProcesses())
        if (p.group == group && p.state != "Z" && p.state != "X") members.push_back(p.pid);
    return members;
}

// The JSC model compiled with the default options, with golden vectors for its 100 first reference inputs.
void writeJetTaggingDesign(const fs::path& dir)
{
    const std::string shared = LUTHIER_SHARED_DIR;
    const ir::Graph graph = importer::importModel(shared + "/models/qkeras_jettagging.onnx");
    const quant::IntGraph ints = quant::lowerToInteger(graph);
    const arch::HwDesign design = arch::mapDesign(ints, {});
    rtl::writeFiles(dir, rtl::emitDesign(design));
    const sim::Dataset data
        = sim::loadInputs(shared + "/models/reference/qkeras_jettagging.input.npy", graph.inputShape);
    rtl::writeVectors(dir / rtl::kVectorsFile, rtl::goldenVectors(ints, design, data, 100));
}

} // namespace

class RegressionExternalToolsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void exitCodeAndStderrReachTheCaller()
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString());
        const auto r = verify::runProcess(
            { "sh", "-c", "echo progress; echo 'error: no such module top' >&2; exit 3" }, dir, dir / "tool.log");
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.output.find("error: no such module top") != std::string::npos, r.output.c_str());
        QVERIFY2(r.output.find("progress") != std::string::npos, r.output.c_str());
    }

    void missingProgramIsNamed()
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString());
        try {
            verify::runProcess({ "luthier-no-such-tool", "x" }, dir, dir / "missing.log");
            QFAIL("a missing program must throw");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("luthier-no-such-tool") != std::string::npos, e.what());
        }
    }

    void spacesQuotesAndUnicodePassThrough()
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "out dir ü";
        fs::create_directories(dir);
        const std::string argument = "a b 'c' \"d\" $HOME ü;ls";
        // printf prints its argument between <> exactly as received: no word splitting, no expansion.
        const auto r
            = verify::runProcess({ "sh", "-c", "pwd; printf '<%s>' \"$1\"", "sh", argument }, dir, dir / "log ü.txt");
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output.find(dir.string() + "\n") == 0, r.output.c_str());
        QVERIFY2(r.output.find("<" + argument + ">") != std::string::npos, r.output.c_str());
        QVERIFY(fs::exists(dir / "log ü.txt"));
    }

    void cancellingStopsAToolThatIgnoresSigterm()
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "hung";
        fs::create_directories(dir);
        // The tool ignores SIGTERM and waits for a child of its own, like make waiting for g++.
        const std::string script = "trap '' TERM; sleep 6 & echo $! > child.pid; wait";
        Progress progress;
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            progress.cancel();
        });
        const auto start = std::chrono::steady_clock::now();
        bool cancelled = false;
        try {
            verify::runProcess({ "sh", "-c", script }, dir, dir / "hung.log", &progress);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        canceller.join();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QVERIFY(cancelled);
        pid_t child = 0;
        std::ifstream(dir / "child.pid") >> child;
        QVERIFY(child > 0);
        const bool childStopped = stopsWithinASecond(child);
        if (!childStopped) ::kill(child, SIGKILL);
        // Cancel returns after the grace period (2 s), not when the tool would have finished (6 s).
        QVERIFY2(seconds < 5, std::to_string(seconds).c_str());
        QVERIFY2(seconds > 0.5 + 0.9 * std::chrono::duration<double>(verify::kCancelGracePeriod).count(),
            "the tool ignores SIGTERM: it must have been given the grace period before SIGKILL");
        QVERIFY2(childStopped, "the tool's own child process was left running");
    }

    void childrenLeftBehindByAToolAreKilled()
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "leftover";
        fs::create_directories(dir);
        // The tool exits at once and leaves a child running in the background.
        const auto r = verify::runProcess(
            { "sh", "-c", "sleep 30 & echo $! > child.pid; echo started" }, dir, dir / "leftover.log");
        QCOMPARE(r.exitCode, 0);
        pid_t child = 0;
        std::ifstream(dir / "child.pid") >> child;
        QVERIFY(child > 0);
        const bool childStopped = stopsWithinASecond(child);
        if (!childStopped) ::kill(child, SIGKILL);
        QVERIFY2(childStopped, "the child the tool left running survived runProcess");
    }

    void addressSpaceLimitReachesTheTool()
    {
        const fs::path dir = fs::path(m_tmp.path().toStdString());
        // The limit is set on the started tool, so the shell reads it after a moment; `ulimit -v` prints KiB.
        const auto r = verify::runProcess(
            { "sh", "-c", "sleep 0.2; ulimit -v" }, dir, dir / "limit.log", nullptr, uint64_t(1) << 30);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromStdString(r.output).trimmed(), QString("1048576"));
    }

    void synthReportsAFailedLayerAndGoesOn()
    {
        if (!verify::findProgram("yosys")) QSKIP("yosys is not installed");
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "synth failures";
        writeJetTaggingDesign(dir);
        // Yosys rejects this layer's source; the input layer (about 6000 LUT estimated) is above the limit below.
        std::ofstream(dir / "matmul_2.v") << "module matmul_2 (input wire clk;\nendmodule\n";
        verify::SynthOptions options;
        options.layers = { "matmul_0", "matmul_2", "matmul_3" };
        options.maxEstimateLut = 5000;
        const verify::SynthReport r = verify::synthDesign(dir, options);
        QCOMPARE(r.layers.size(), size_t(3));
        const verify::LayerSynthesis &input = r.layers[0], &broken = r.layers[1], &output = r.layers[2];
        QVERIFY(input.skipped);
        QVERIFY2(input.problem.find("above the limit of 5000") != std::string::npos, input.problem.c_str());
        QVERIFY(!broken.skipped && !broken.synthesised());
        QVERIFY2(broken.problem.find("Yosys failed") != std::string::npos, broken.problem.c_str());
        QCOMPARE(QString::fromStdString(broken.log.filename().string()), QString("matmul_2.log"));
        QVERIFY(fs::exists(broken.log));
        QVERIFY2(output.synthesised(), output.problem.c_str());
        QVERIFY(output.counts.lut > 0);
        // Register to register through a few LUT6 and carry chains: more than one LUT's 0.6 ns, far below 20 ns.
        QVERIFY2(output.criticalPathPs > 600 && output.criticalPathPs < 20000,
            std::to_string(output.criticalPathPs).c_str());
        QVERIFY(!r.allSynthesised());
    }

    void interruptingCliVerifyStopsVerilatorAndTheCompilers_data()
    {
        QTest::addColumn<int>("sig");
        QTest::newRow("SIGINT (Ctrl-C)") << int(SIGINT);
        QTest::newRow("SIGTERM (workbench cancel)") << int(SIGTERM);
    }

    void interruptingCliVerifyStopsVerilatorAndTheCompilers()
    {
        QFETCH(int, sig);
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        const std::string cli = LUTHIER_BINARY_DIR "/bin/luthier-cli";
        if (::access(cli.c_str(), X_OK) != 0)
            QSKIP("luthier-cli is not built in this tree (the asan --core stage builds only the core suites)");
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / ("cli " + std::to_string(sig)) / "jsc design";
        writeJetTaggingDesign(dir);
        const fs::path log = dir.parent_path() / "cli.log";

        // luthier-cli in a process group of its own, which the sig is sent to, as a terminal sends Ctrl-C
        // to its foreground group and the workbench SIGTERM to the job's group.
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attributes, 0);
        std::vector<std::string> argv { cli, "verify", dir.string() };
        std::vector<char*> args;
        for (auto& a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        pid_t pid = 0;
        const int rc = posix_spawn(&pid, cli.c_str(), &actions, &attributes, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        QCOMPARE(rc, 0);
        auto readLog = [&] {
            std::ifstream in(log);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };

        // Wait until Verilator's build has started make or the compiler, so the sig lands mid-build.
        std::vector<ProcStat> tools;
        pid_t toolGroup = 0;
        for (int i = 0; i < 6000 && toolGroup == 0; ++i) {
            tools = descendants(pid);
            for (const ProcStat& p : tools)
                if (p.name == "make" || p.name == "g++" || p.name == "cc1plus") toolGroup = p.group;
            if (toolGroup == 0) {
                if (::waitpid(pid, nullptr, WNOHANG) == pid)
                    QFAIL(("luthier-cli verify ended before Verilator's build was seen:\n" + readLog()).c_str());
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        if (toolGroup == 0) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            QFAIL("Verilator's build did not reach make within 60 s");
        }
        if (toolGroup == pid) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            QFAIL("the tools must run in their own process group, not luthier-cli's");
        }

        const auto start = std::chrono::steady_clock::now();
        QCOMPARE(::kill(-pid, sig), 0);
        int status = 0;
        bool ended = false;
        for (int i = 0; i < 1000 && !ended; ++i) { // 10 s
            ended = ::waitpid(pid, &status, WNOHANG) == pid;
            if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!ended) {
            ::kill(-pid, SIGKILL);
            ::kill(-toolGroup, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            QFAIL(("luthier-cli did not end within 10 s of the signal:\n" + readLog()).c_str());
        }
        // What is left is killed before anything is checked, so a failing run does not leave the build running.
        std::vector<pid_t> left;
        for (const ProcStat& p : tools)
            if (!stopsWithinASecond(p.pid, p.startTicks)) left.push_back(p.pid);
        for (pid_t p : groupMembers(toolGroup))
            if (std::find(left.begin(), left.end(), p) == left.end()) left.push_back(p);
        std::string names;
        for (pid_t p : left) {
            const auto s = readStat(p);
            names += " " + std::to_string(p) + " (" + (s ? s->name : "?") + ")";
            ::kill(p, SIGKILL);
        }
        QVERIFY2(left.empty(), ("processes left running:" + names).c_str());
        // Stopped, not finished: it dies by the signal it was sent (a shell shows exit status 128 + signal).
        QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == sig, readLog().c_str());
        QVERIFY2(readLog().find(sig == SIGINT ? "stopped by SIGINT" : "stopped by SIGTERM") != std::string::npos,
            readLog().c_str());
        QVERIFY2(seconds < 5, std::to_string(seconds).c_str());
    }

    void jetTaggingVerifiesInAFolderWithSpacesAndUnicode()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        const fs::path dir = fs::path(m_tmp.path().toStdString()) / "out dir ü" / "jsc design";
        writeJetTaggingDesign(dir);
        const verify::VerifyReport r = verify::verifyDesign(dir, {});
        QCOMPARE(r.vectors, int64_t(100));
        QCOMPARE(r.passed, int64_t(100));
        QCOMPARE(r.failed, int64_t(0));
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(RegressionExternalToolsTest)
#include "test_regression_external_tools.moc"
