#include "interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace luthier::cli {

namespace {

// Lock-free atomics are the only shared state a signal handler may touch.
static_assert(std::atomic<int>::is_always_lock_free);
std::atomic<int> g_signal { 0 }; // the first SIGINT / SIGTERM received while a command could be cancelled
std::atomic<int> g_interruptible { 0 }; // live InterruptibleProgress objects

void setDefaultAction(int sig)
{
    struct sigaction action { };
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(sig, &action, nullptr);
}

// Async-signal-safe: atomics, sigaction and raise only.
extern "C" void onInterrupt(int sig)
{
    int none = 0;
    if (g_interruptible.load() > 0 && g_signal.compare_exchange_strong(none, sig))
        return; // the command polls the flag, stops its tools and returns
    // Nothing to cancel, or asked a second time: the default action, delivered once this handler returns.
    setDefaultAction(sig);
    ::raise(sig);
}

} // namespace

void installInterruptHandlers()
{
    for (int sig : { SIGINT, SIGTERM }) {
        struct sigaction action { };
        action.sa_handler = onInterrupt;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(sig, &action, nullptr);
    }
}

int interruptSignal()
{
    return g_signal.load();
}

void exitByInterruptSignal()
{
    const int sig = g_signal.load();
    std::cout.flush();
    std::fflush(nullptr);
    setDefaultAction(sig);
    ::raise(sig);
    std::_Exit(128 + sig); // not reached: the default action of SIGINT and SIGTERM ends the process
}

InterruptibleProgress::InterruptibleProgress()
{
    ++g_interruptible;
}

InterruptibleProgress::~InterruptibleProgress()
{
    --g_interruptible;
}

bool InterruptibleProgress::cancelled() const
{
    return Progress::cancelled() || g_signal.load(std::memory_order_relaxed) != 0;
}

} // namespace luthier::cli
