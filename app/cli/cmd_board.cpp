// luthier-cli board DEVICE DIR [--baud B] [--vectors N] [--timeout S]: run the golden vectors of the design folder
// DIR (written by `compile --inputs X.npy`) on a board programmed with DIR's UART board top (`implement
// --uart-board`), through the serial port DEVICE, and compare every reply with the golden model. Exit status 0 when
// every vector matched, 1 when one did not, 2 on bad input or a board that does not answer.

#include "commands.h"
#include "implement/board_serial.h"
#include "interrupt.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <cstdio>
#include <memory>

namespace luthier::cli {

void addBoardCommand(CLI::App& app, Context& context)
{
    struct Options {
        std::string device, dir;
        implement::BoardRunOptions run;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("board", "Run a design's golden vectors on a board through its UART board top");
    cmd->add_option("device", o->device, "Serial port of the board, e.g. /dev/ttyUSB1")->required();
    cmd->add_option("dir", o->dir, "Design folder written by `compile --inputs X.npy` (its vectors.txt)")->required();
    cmd->add_option("--baud", o->run.baud, "Baud rate the board top was implemented with")->capture_default_str();
    cmd->add_option("--vectors", o->run.maxVectors, "Run only the first N vectors")->check(CLI::NonNegativeNumber);
    cmd->add_option("--timeout", o->run.replyTimeoutSeconds, "Seconds to wait for each reply")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->callback([o, &context] {
        const implement::BoardShape shape = implement::loadBoardShape(o->dir);
        const rtl::TestVectors vectors = rtl::readVectors(std::filesystem::path(o->dir) / rtl::kVectorsFile);
        InterruptibleProgress progress; // Ctrl-C stops between replies
        const implement::BoardRunReport r = implement::runOnBoard(o->device, shape, vectors, o->run, &progress);
        std::printf("%lld vectors on %s: %lld match the golden model, %lld differ (%.1f s)\n", (long long)r.vectors,
            o->device.c_str(), (long long)r.passed, (long long)r.failed, r.seconds);
        for (const implement::BoardMismatch& m : r.mismatches)
            std::printf("  vector %lld %s: expected %lld, board %lld\n", (long long)m.sample,
                m.output == shape.outputCount ? "class" : ("output " + std::to_string(m.output)).c_str(),
                (long long)m.expected, (long long)m.got);
        util::flushStdout();
        context.exitCode = r.ok() ? 0 : 1;
    });
}

} // namespace luthier::cli
