// luthier-cli: the whole compiler, headless. See docs/cli.md for every command and exit code.

#include "commands.h"
#include "console.h"
#include "interrupt.h"
#include "usage.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <csignal>
#include <iostream>

int main(int argc, char** argv)
{
    luthier::cli::installInterruptHandlers();
    CLI::App app { "Luthier: compile quantised neural networks into FPGA lookup-table logic", "luthier-cli" };
    app.set_version_flag("--version", std::string("luthier-cli ") + LUTHIER_VERSION);
    app.require_subcommand(1);
    // -q / -v anywhere on the line (fallthrough: also after the command's own options).
    app.fallthrough();
    auto* quiet = app.add_flag_callback(
        "-q,--quiet", [] { luthier::cli::setVerbosity(luthier::cli::Verbosity::Quiet); },
        "Print only errors and the data asked for: no report, notes or progress");
    app.add_flag_callback(
           "-v,--verbose", [] { luthier::cli::setVerbosity(luthier::cli::Verbosity::Verbose); },
           "Also write a line per stage of long commands on stderr when it is not a terminal")
        ->excludes(quiet);
    luthier::cli::Context context;
    luthier::cli::addInspectCommand(app, context);
    luthier::cli::addRunCommand(app, context);
    luthier::cli::addEvalCommand(app, context);
    luthier::cli::addCompileCommand(app, context);
    luthier::cli::addVerifyCommand(app, context);
    luthier::cli::addSynthCommand(app, context);
    luthier::cli::addAnalyzeCommand(app, context);
    luthier::cli::addExploreCommand(app, context);
    luthier::cli::addExportCommand(app, context);
    luthier::cli::addImportReportCommand(app, context);
    luthier::cli::addPlaceCommand(app, context);
    luthier::cli::addTablesCommand(app, context);
    luthier::cli::addImplementCommand(app, context);
    luthier::cli::addBoardCommand(app, context);
    luthier::cli::addSweepCommand(app, context);
    luthier::cli::addCompletionCommand(app, context);
    if (const auto unknown = luthier::cli::unknownCommand(app, argc, argv)) {
        std::cerr << "luthier-cli: error: " << *unknown << "\n";
        return luthier::cli::kUsageExit;
    }
    try {
        app.parse(argc, argv);
        // What any command printed, checked once: `inspect --json > /dev/full` is an error, not exit 0.
        luthier::util::flushStdout();
    } catch (const CLI::ParseError& e) {
        return luthier::cli::usageError(app, e);
    } catch (const luthier::Cancelled&) {
        // Only an interrupt cancels a command: reported below.
    } catch (const luthier::Error& e) {
        // Interrupted, the error is most likely the stopped tool's failure: reported below.
        if (luthier::cli::interruptSignal() == 0) {
            std::cerr << "error: " << e.what() << "\n";
            return 2;
        }
    } catch (const std::exception& e) {
        // LUTHIER_ASSERT, or anything else no stage turned into an Error: a bug, not the user's input.
        std::cerr << "internal error: " << e.what() << "\n";
        return 70;
    }
    if (const int sig = luthier::cli::interruptSignal()) {
        std::cerr << "luthier-cli: stopped by " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << "\n";
        luthier::cli::exitByInterruptSignal();
    }
    return context.exitCode;
}
