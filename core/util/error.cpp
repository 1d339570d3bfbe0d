#include "util/error.h"

namespace luthier {

void failAssertion(const char* expression, const char* file, int line)
{
    throw InternalError(std::string(file) + ":" + std::to_string(line) + ": assertion failed: " + expression);
}

} // namespace luthier
