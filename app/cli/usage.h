#pragma once
// Usage errors (an unknown command or option, a missing argument, a bad value) are bad input like any other:
// a message that says what is wrong and exit status 2, instead of CLI11's own codes 100-114.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace luthier::cli {

inline constexpr int kUsageExit = 2;

// "unknown command 'bogus'; did you mean 'board'? ..." when the first word that is not an option names no
// command of `app`, else nothing. Checked before parsing: CLI11 would only say "A subcommand is required".
std::optional<std::string> unknownCommand(const CLI::App& app, int argc, const char* const* argv);

// What main returns for a parse exception: help and --version print and give 0 (CLI11's own handling); every
// real usage error prints "luthier-cli: error: <what>" and a pointer to --help on stderr and gives 2.
int usageError(CLI::App& app, const CLI::ParseError& error);

} // namespace luthier::cli
