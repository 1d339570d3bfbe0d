#include "terminal_progress.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace luthier::cli {

TerminalProgress::TerminalProgress()
    : m_tty(isatty(STDERR_FILENO) != 0)
{
}

TerminalProgress::~TerminalProgress()
{
    if (m_drawn) std::fprintf(stderr, "\r%80s\r", "");
}

void TerminalProgress::report(double fraction, std::string_view message)
{
    if (!m_tty) return;
    const int percent = int(std::clamp(fraction, 0.0, 1.0) * 100);
    std::fprintf(stderr, "\r[%3d%%] %-70.*s", percent, int(std::min<size_t>(message.size(), 70)), message.data());
    std::fflush(stderr);
    m_drawn = true;
}

} // namespace luthier::cli
