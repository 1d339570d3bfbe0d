#pragma once
// Where luthier-cli's words go. A command's human-readable report goes to standard output, unless the command's
// data does (`run --out -`, `--json -`: then the report moves to standard error, so a pipe gets exactly the
// data); notes go to standard error; -q silences both, -v adds a line per stage of long commands. Errors are
// never silenced (main.cpp prints them).

#include <cstdarg>

namespace luthier::cli {

enum class Verbosity { Quiet, Normal, Verbose };

void setVerbosity(Verbosity verbosity);
Verbosity verbosity();

// Standard output carries the command's data from now on: report() writes to standard error instead.
void reserveStdoutForData();

// The command's human-readable report (printf format): stdout, stderr once reserveStdoutForData(), nothing
// under -q.
[[gnu::format(printf, 1, 2)]] void report(const char* format, ...);
// "note: ..." on standard error, nothing under -q.
[[gnu::format(printf, 1, 2)]] void note(const char* format, ...);

} // namespace luthier::cli
