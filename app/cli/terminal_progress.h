#pragma once
// The one progress printer of luthier-cli: a "[ 42%] message" line redrawn in place on stderr when stderr is a
// terminal, and nothing at all otherwise, so logs and pipes never fill with carriage returns. Ctrl-C cancels
// (InterruptibleProgress).

#include "interrupt.h"

#include <string_view>

namespace luthier::cli {

class TerminalProgress : public InterruptibleProgress {
public:
    TerminalProgress();
    ~TerminalProgress() override; // clears the line it drew
    void report(double fraction, std::string_view message) override;

private:
    bool m_tty = false;
    bool m_drawn = false;
};

} // namespace luthier::cli
