#include "implement/board_sim.h"

#include "export/design_manifest.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log_tail.h"
#include "verify/process.h"

#include <fstream>
#include <sstream>

namespace luthier::implement {

namespace fs = std::filesystem;

namespace {

const char* kHarness = R"(#include "Vluthier_uart_top.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <string>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

static Vluthier_uart_top* top;
static long long cycles = 0, bit = 0;

static void tick()
{
    top->clk = 0;
    top->eval();
    top->clk = 1;
    top->eval();
    ++cycles;
}

// Drives one request onto uart_rx (start 0, data LSB first, stop 1) and decodes replyBytes bytes from uart_tx,
// each bit sampled in its middle. False on a timeout (2^30 idle cycles) or a bad stop bit.
static bool transact(const unsigned char* request, long long requestBytes, unsigned char* reply, long long replyBytes)
{
    for (long long b = 0; b < requestBytes; ++b) {
        const unsigned frame = 0x200u | (unsigned(request[b]) << 1);
        for (int k = 0; k < 10; ++k) {
            top->uart_rx = (frame >> k) & 1;
            for (long long c = 0; c < bit; ++c)
                tick();
        }
    }
    top->uart_rx = 1;
    for (long long b = 0; b < replyBytes; ++b) {
        long long waited = 0;
        while (top->uart_tx) {
            tick();
            if (++waited > (1LL << 30)) return false;
        }
        for (long long c = 0; c < bit / 2; ++c)
            tick();
        unsigned value = 0;
        for (int k = 0; k < 8; ++k) {
            for (long long c = 0; c < bit; ++c)
                tick();
            value |= unsigned(top->uart_tx) << k;
        }
        for (long long c = 0; c < bit; ++c)
            tick();
        if (!top->uart_tx) return false;
        reply[b] = (unsigned char)value;
    }
    return true;
}

static bool readAll(int fd, unsigned char* data, long long n)
{
    for (long long got = 0; got < n;) {
        const ssize_t r = read(fd, data + got, size_t(n - got));
        if (r <= 0) return false;
        got += r;
    }
    return true;
}

// batch REQUESTS.bin REPLIES.bin requestBytes replyBytes clksPerBit: every request of the file, replies to a file.
// serve COUNT requestBytes replyBytes clksPerBit: a pseudo-terminal whose slave path is the first line printed;
// answers COUNT requests written to it, then exits.
int main(int argc, char** argv)
{
    const bool serve = argc == 6 && std::string(argv[1]) == "serve";
    if (!serve && !(argc == 7 && std::string(argv[1]) == "batch")) return 2;
    const long long requestBytes = std::atoll(argv[argc - 3]), replyBytes = std::atoll(argv[argc - 2]);
    bit = std::atoll(argv[argc - 1]);
    VerilatedContext context;
    top = new Vluthier_uart_top { &context };
    top->uart_rx = 1;
    for (int i = 0; i < 64; ++i)
        tick(); // power-on reset
    std::vector<unsigned char> request(static_cast<size_t>(requestBytes)), reply(static_cast<size_t>(replyBytes));
    if (serve) {
        const int master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return 2;
        // Raw, and a slave descriptor of our own held open: no echo of the replies back into the requests, and
        // reads block (instead of failing) until the host opens the slave.
        const int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
        termios raw;
        if (slave < 0 || tcgetattr(slave, &raw) != 0) return 2;
        cfmakeraw(&raw);
        tcsetattr(slave, TCSANOW, &raw);
        std::printf("%s\n", ptsname(master));
        std::fflush(stdout);
        for (long long n = std::atoll(argv[2]); n > 0; --n) {
            if (!readAll(master, request.data(), requestBytes)) return 1;
            if (!transact(request.data(), requestBytes, reply.data(), replyBytes)) return 1;
            if (write(master, reply.data(), reply.size()) != ssize_t(reply.size())) return 1;
        }
        tcdrain(master);
        usleep(200000); // let the host read the last reply before the pseudo-terminal goes away
        return 0;
    }
    std::FILE* in = std::fopen(argv[2], "rb");
    std::FILE* out = std::fopen(argv[3], "wb");
    if (!in || !out) return 2;
    for (long long n = 0; std::fread(request.data(), 1, request.size(), in) == request.size(); ++n) {
        if (!transact(request.data(), requestBytes, reply.data(), replyBytes)) {
            std::printf("no reply to request %lld\n", n);
            return 1;
        }
        std::fwrite(reply.data(), 1, reply.size(), out);
    }
    std::fclose(out);
    std::printf("OK %lld cycles\n", cycles);
    top->final();
    return 0;
}
)";

} // namespace

fs::path buildBoardSimulator(const fs::path& designDir, const BoardShape& shape, const fs::path& buildDir,
    int64_t clksPerBit, Progress* progress)
{
    if (!verify::findProgram("verilator"))
        throw Error("Verilator is not installed (no `verilator` on PATH); `sudo apt-get install verilator`");
    const exporter::DesignManifest design = exporter::loadDesignManifest(designDir);
    const fs::path work = fs::absolute(buildDir);
    fs::create_directories(work);
    std::vector<std::string> build { "verilator", "--cc", "--exe", "--build", "-Wno-fatal", "-Wno-lint", "-Wno-style",
        "-O3", "--top-module", kBoardTop, "-Mdir", "obj", "-o", "board" };
    for (const fs::path& file : design.files) {
        if (file.extension() != ".v") continue;
        fs::copy_file(designDir / file, work / file.filename(), fs::copy_options::overwrite_existing);
        build.push_back(file.filename().string());
    }
    util::writeFileAtomic(work / "luthier_uart_top.v", uartBoardTopVerilog(shape, clksPerBit));
    util::writeFileAtomic(work / "board_harness.cpp", kHarness);
    build.insert(build.end(), { "luthier_uart_top.v", "board_harness.cpp" });
    const verify::ProcessResult r = verify::runProcess(build, work, work / "build.log", progress);
    if (r.exitCode != 0)
        throw Error("Verilator build of the UART board top failed (exit " + std::to_string(r.exitCode) + "), see "
            + (work / "build.log").string() + ":\n" + util::logTail(r.output, 20));
    return work / "obj" / "board";
}

std::vector<uint8_t> simulateBoard(const fs::path& harness, const BoardShape& shape, int64_t clksPerBit,
    const std::vector<uint8_t>& requests, Progress* progress)
{
    const fs::path work = harness.parent_path();
    util::writeFileAtomic(work / "requests.bin", std::string(requests.begin(), requests.end()));
    const verify::ProcessResult r = verify::runProcess(
        { harness.string(), "batch", "requests.bin", "replies.bin", std::to_string(shape.requestBytes()),
            std::to_string(shape.replyBytes()), std::to_string(clksPerBit) },
        work, work / "board.log", progress);
    if (r.exitCode != 0) throw Error("the simulated board failed: " + util::logTail(r.output, 5));
    std::ifstream in(work / "replies.bin", std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace luthier::implement
