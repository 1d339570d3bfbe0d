#pragma once
// Errors the user can act on: bad input files, unsupported models, missing tools. The message names
// what and where (file, node, op); callers show it verbatim. The CLI maps Error to exit code 2.

#include <stdexcept>
#include <string>

namespace luthier {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Thrown by long-running functions when their Progress reports cancellation.
class Cancelled : public Error {
public:
    Cancelled()
        : Error("cancelled")
    {
    }
};

} // namespace luthier
