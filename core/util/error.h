#pragma once
// The three ways a core function stops early, kept apart so that no handler catches one for another:
// - Error: the user can act on it (bad input file, unsupported model, missing tool). The message names what
//   and where (file, node, op); callers show it verbatim. The CLI exits 2.
// - Cancelled: the user asked to stop (Progress::cancelled()). Nothing went wrong, so it is not an Error and a
//   handler of bad input never swallows it.
// - InternalError: an invariant of Luthier's own code broke (LUTHIER_ASSERT): a bug, never the input's fault.
//   The CLI exits 70 (EX_SOFTWARE) with "internal error".

#include <exception>
#include <stdexcept>
#include <string>

namespace luthier {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Cancelled : public std::exception {
public:
    const char* what() const noexcept override { return "cancelled"; }
};

class InternalError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

// Throws InternalError("<file>:<line>: assertion failed: <expression>").
[[noreturn]] void failAssertion(const char* expression, const char* file, int line);

} // namespace luthier

// Checks an internal invariant in every build type (release included): these guard results users rely on.
#define LUTHIER_ASSERT(condition) ((condition) ? void(0) : ::luthier::failAssertion(#condition, __FILE__, __LINE__))
