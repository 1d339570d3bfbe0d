#include "terminal_progress.h"

#include "console.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace luthier::cli {

TerminalProgress::TerminalProgress()
{
    if (verbosity() == Verbosity::Quiet)
        m_mode = Mode::Silent;
    else if (isatty(STDERR_FILENO) != 0)
        m_mode = Mode::Redraw;
    else if (verbosity() == Verbosity::Verbose)
        m_mode = Mode::Lines;
}

TerminalProgress::~TerminalProgress()
{
    if (m_drawn) std::fprintf(stderr, "\r%80s\r", "");
}

void TerminalProgress::report(double fraction, std::string_view message)
{
    const int percent = int(std::clamp(fraction, 0.0, 1.0) * 100);
    if (m_mode == Mode::Lines && message != m_lastMessage) {
        // A log reads best as the stages in order; the percentage of each is the moment the stage began.
        m_lastMessage = message;
        std::fprintf(stderr, "[%3d%%] %.*s\n", percent, int(message.size()), message.data());
    } else if (m_mode == Mode::Redraw) {
        std::fprintf(stderr, "\r[%3d%%] %-70.*s", percent, int(std::min<size_t>(message.size(), 70)), message.data());
        std::fflush(stderr);
        m_drawn = true;
    }
}

} // namespace luthier::cli
