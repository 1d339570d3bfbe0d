#pragma once
// The last lines of a tool's log, for an error message that says why the tool failed without opening the log.

#include <cstddef>
#include <string>

namespace luthier::util {

// The last `lines` lines of `text` (trailing line breaks ignored), or all of it when it has fewer.
std::string logTail(const std::string& text, size_t lines);

} // namespace luthier::util
