#pragma once
// Reading an input file the user named, safely: only a regular file of bounded size. A FIFO would block the
// read forever and /dev/zero would fill memory (issue 29), so both are refused before a byte is read, with
// an Error naming the file and what it is.

#include <cstdint>
#include <filesystem>
#include <string>

namespace luthier::util {

// The whole file. Throws Error("<path>: cannot open <what>: <reason>"), "<path>: <what> is not a regular
// file (a FIFO, a device, ...)" or "<path>: <what> is larger than <maxBytes> bytes".
std::string readInputFile(const std::filesystem::path& path, const std::string& what, uint64_t maxBytes);

} // namespace luthier::util
