#pragma once
// The one progress printer of luthier-cli, on stderr. On a terminal, a "[ 42%] message" line redrawn in place;
// otherwise nothing, so logs and pipes never fill with carriage returns, except under -v, which writes one
// plain line per stage (each new message) instead. Under -q nothing at all. Ctrl-C cancels
// (InterruptibleProgress).

#include "interrupt.h"

#include <string>
#include <string_view>

namespace luthier::cli {

class TerminalProgress : public InterruptibleProgress {
public:
    TerminalProgress();
    ~TerminalProgress() override; // clears the line it drew
    void report(double fraction, std::string_view message) override;

private:
    enum class Mode { Silent, Redraw, Lines };
    Mode m_mode = Mode::Silent;
    bool m_drawn = false;
    std::string m_lastMessage; // Lines: the stage last written
};

} // namespace luthier::cli
