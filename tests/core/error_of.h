#pragma once
// The message of the luthier::Error a call throws, for tests that check what an error says.

#include "util/error.h"

#include <string>

namespace luthier::test {

// The message of the luthier::Error that `f` throws, or "" when it does not throw one.
template <typename F> std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace luthier::test
