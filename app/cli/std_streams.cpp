#include "std_streams.h"

#include "console.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/input_file.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace luthier::cli {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxStdinBytes = size_t(4) << 30;

// The private folder of this run's stdin/stdout files, created on first use, removed at exit.
class ScratchFolder {
public:
    ~ScratchFolder()
    {
        std::error_code ec;
        if (!m_dir.empty()) fs::remove_all(m_dir, ec);
    }
    const fs::path& dir()
    {
        if (m_dir.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/luthier-cli-XXXXXX";
            if (!::mkdtemp(pattern.data()))
                throw Error(pattern + ": cannot create a temporary folder for '-' (" + std::strerror(errno) + ")");
            m_dir = pattern;
        }
        return m_dir;
    }

private:
    fs::path m_dir;
};

ScratchFolder& scratch()
{
    static ScratchFolder folder;
    return folder;
}

} // namespace

std::string inputPath(const std::string& argument)
{
    if (argument != "-") return argument;
    static bool consumed = false;
    if (consumed) throw Error("standard input ('-') can feed only one of the command's files");
    consumed = true;
    std::string bytes;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(std::string("standard input: ") + std::strerror(errno));
        bytes.append(buffer, size_t(n));
        // Endless input (`< /dev/zero`) is refused like an endless file, before it fills memory.
        if (bytes.size() > kMaxStdinBytes)
            throw Error("standard input: more than " + std::to_string(kMaxStdinBytes >> 30) + " GiB");
    }
    if (bytes.empty()) throw Error("standard input ('-'): nothing was read");
    const bool npy = bytes.compare(0, 6, "\x93NUMPY") == 0;
    const fs::path file = scratch().dir() / (npy ? "stdin.npy" : "stdin.csv");
    util::writeFileAtomic(file, bytes);
    return file.string();
}

OutputPath::OutputPath(std::string argument)
    : m_path(std::move(argument))
{
    if (m_path != "-") return;
    m_toStdout = true;
    reserveStdoutForData();
    static int count = 0;
    // The extension of the first output keeps whatever format choice the writer makes by it; only .npy is
    // written through here today.
    m_path = (scratch().dir() / ("stdout-" + std::to_string(count++) + ".npy")).string();
}

void OutputPath::finish() const
{
    if (m_toStdout)
        util::writeStdout(util::readInputFile(m_path, "the output written for standard output", UINT64_MAX));
}

} // namespace luthier::cli
