#include "console.h"

#include <cstdio>

namespace luthier::cli {

namespace {

Verbosity g_verbosity = Verbosity::Normal;
bool g_stdoutIsData = false;

} // namespace

void setVerbosity(Verbosity verbosity)
{
    g_verbosity = verbosity;
}

Verbosity verbosity()
{
    return g_verbosity;
}

void reserveStdoutForData()
{
    g_stdoutIsData = true;
}

void report(const char* format, ...)
{
    if (g_verbosity == Verbosity::Quiet) return;
    va_list args;
    va_start(args, format);
    std::vfprintf(g_stdoutIsData ? stderr : stdout, format, args);
    va_end(args);
}

void note(const char* format, ...)
{
    if (g_verbosity == Verbosity::Quiet) return;
    std::fputs("note: ", stderr);
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
    std::fputc('\n', stderr);
}

} // namespace luthier::cli
