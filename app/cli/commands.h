#pragma once
// Each luthier-cli command lives in its own file and registers itself on the root app here.
// A command's callback sets Context::exitCode (0 ok, 1 check failed); luthier::Error means bad input (2).

#include <CLI/CLI.hpp>

namespace luthier::cli {

struct Context {
    int exitCode = 0;
};

void addInspectCommand(CLI::App& app, Context& context);
void addRunCommand(CLI::App& app, Context& context);
void addEvalCommand(CLI::App& app, Context& context);
void addCompileCommand(CLI::App& app, Context& context);
void addVerifyCommand(CLI::App& app, Context& context);
void addSynthCommand(CLI::App& app, Context& context);
void addAnalyzeCommand(CLI::App& app, Context& context);
void addExploreCommand(CLI::App& app, Context& context);
void addExportCommand(CLI::App& app, Context& context);
void addImportReportCommand(CLI::App& app, Context& context);
void addPlaceCommand(CLI::App& app, Context& context);
void addTablesCommand(CLI::App& app, Context& context);
void addImplementCommand(CLI::App& app, Context& context);
void addBoardCommand(CLI::App& app, Context& context);
void addSweepCommand(CLI::App& app, Context& context);
void addCompletionCommand(CLI::App& app, Context& context);

} // namespace luthier::cli
