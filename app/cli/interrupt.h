#pragma once
// Ctrl-C (SIGINT) and SIGTERM for luthier-cli. While an InterruptibleProgress is alive, the first such signal
// only sets a flag that the progress reports as cancellation: the running core function throws Cancelled,
// and runProcess stops the external tool's whole process group (Verilator, make, g++; Yosys) on the way, so
// nothing is left running. Otherwise, and on a second signal, the default action ends the program at once.

#include "util/progress.h"

namespace luthier::cli {

// Installs the handlers; call once at start-up.
void installInterruptHandlers();

// The signal that cancelled the command, or 0.
int interruptSignal();

// Ends the program with the default action of interruptSignal(), after flushing stdio, so that the parent
// sees it killed by SIGINT / SIGTERM (a shell reports 130 / 143 and stops a loop or script running it).
[[noreturn]] void exitByInterruptSignal();

class InterruptibleProgress : public Progress {
public:
    InterruptibleProgress();
    ~InterruptibleProgress() override;
    InterruptibleProgress(const InterruptibleProgress&) = delete;
    InterruptibleProgress& operator=(const InterruptibleProgress&) = delete;
    bool cancelled() const override;
};

} // namespace luthier::cli
