#include "implement/board_sim.h"

#include "export/design_manifest.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "verify/process.h"

#include <fstream>
#include <sstream>

namespace luthier::implement {

namespace fs = std::filesystem;

namespace {

// argv: requests.bin replies.bin requestBytes replyBytes clksPerBit. Exit 0 when every reply came back.
const char* kHarness = R"(#include "Vluthier_uart_top.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <vector>

static Vluthier_uart_top* top;
static VerilatedContext* context;
static long long cycles = 0;

static void tick()
{
    top->clk = 0;
    top->eval();
    top->clk = 1;
    top->eval();
    ++cycles;
}

int main(int argc, char** argv)
{
    if (argc != 6) return 2;
    const long long requestBytes = std::atoll(argv[3]), replyBytes = std::atoll(argv[4]), bit = std::atoll(argv[5]);
    std::FILE* in = std::fopen(argv[1], "rb");
    std::FILE* out = std::fopen(argv[2], "wb");
    if (!in || !out) return 2;
    std::vector<unsigned char> requests;
    for (int c; (c = std::fgetc(in)) != EOF;)
        requests.push_back((unsigned char)c);
    context = new VerilatedContext;
    top = new Vluthier_uart_top { context };
    top->uart_rx = 1;
    for (int i = 0; i < 64; ++i)
        tick(); // power-on reset
    for (size_t at = 0; at + requestBytes <= requests.size(); at += requestBytes) {
        for (long long b = 0; b < requestBytes; ++b) {
            const unsigned frame = 0x200u | (unsigned(requests[at + b]) << 1); // start 0, data LSB first, stop 1
            for (int k = 0; k < 10; ++k) {
                top->uart_rx = (frame >> k) & 1;
                for (long long c = 0; c < bit; ++c)
                    tick();
            }
        }
        top->uart_rx = 1;
        // Receive replyBytes bytes, each sampled in the middle of its bits; give up after 2^30 idle cycles.
        for (long long b = 0; b < replyBytes; ++b) {
            long long waited = 0;
            while (top->uart_tx) {
                tick();
                if (++waited > (1LL << 30)) {
                    std::printf("TIMEOUT request %zu byte %lld\n", at / requestBytes, b);
                    return 1;
                }
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
                tick(); // the middle of the stop bit
            if (!top->uart_tx) {
                std::printf("FRAMING request %zu byte %lld\n", at / requestBytes, b);
                return 1;
            }
            std::fputc(int(value), out);
        }
    }
    std::fclose(out);
    std::printf("OK %lld cycles\n", cycles);
    top->final();
    return 0;
}
)";

std::string tail(const std::string& text, size_t lines)
{
    size_t at = text.size();
    while (lines-- > 0 && at > 0 && (at = text.rfind('\n', at - 1)) != std::string::npos) { }
    return at == std::string::npos ? text : text.substr(at + 1);
}

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
            + (work / "build.log").string() + ":\n" + tail(r.output, 20));
    return work / "obj" / "board";
}

std::vector<uint8_t> simulateBoard(const fs::path& harness, const BoardShape& shape, int64_t clksPerBit,
    const std::vector<uint8_t>& requests, Progress* progress)
{
    const fs::path work = harness.parent_path();
    util::writeFileAtomic(work / "requests.bin", std::string(requests.begin(), requests.end()));
    const verify::ProcessResult r
        = verify::runProcess({ harness.string(), "requests.bin", "replies.bin", std::to_string(shape.requestBytes()),
                                 std::to_string(shape.replyBytes()), std::to_string(clksPerBit) },
            work, work / "board.log", progress);
    if (r.exitCode != 0) throw Error("the simulated board failed: " + tail(r.output, 5));
    std::ifstream in(work / "replies.bin", std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace luthier::implement
