#pragma once
// Progress reporting and cooperative cancellation for long-running core functions. The GUI implements
// it with signals and a cancel flag, the CLI prints to stderr; the default does nothing.

#include "util/error.h"

#include <atomic>
#include <string_view>

namespace luthier {

class Progress {
public:
    virtual ~Progress() = default;
    virtual void report(double /*fraction*/, std::string_view /*message*/) { }
    virtual bool cancelled() const { return m_cancel.load(std::memory_order_relaxed); }
    void cancel() { m_cancel.store(true, std::memory_order_relaxed); }
    // Call at convenient points in loops: throws Cancelled when the user asked to stop.
    void checkpoint() const
    {
        if (cancelled()) throw Cancelled();
    }

private:
    std::atomic<bool> m_cancel { false };
};

} // namespace luthier
