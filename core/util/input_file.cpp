#include "util/input_file.h"

#include "util/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace luthier::util {

std::string readInputFile(const std::filesystem::path& path, const std::string& what, uint64_t maxBytes)
{
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat could refuse it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw Error(path.string() + ": cannot open " + what + ": " + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer { fd };
    struct stat st { };
    if (::fstat(fd, &st) != 0) throw Error(path.string() + ": cannot open " + what + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(path.string() + ": cannot open " + what + ": it is a folder");
    if (!S_ISREG(st.st_mode))
        throw Error(path.string() + ": " + what + " is not a regular file ("
            + (S_ISFIFO(st.st_mode)                              ? "a FIFO"
                    : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                 : "a socket")
            + "); give a file");
    if (uint64_t(st.st_size) > maxBytes)
        throw Error(path.string() + ": " + what + " is larger than " + std::to_string(maxBytes) + " bytes ("
            + std::to_string(st.st_size) + ")");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    std::string bytes(size_t(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path.string() + ": cannot read " + what + ": " + std::strerror(errno));
        if (n == 0) break; // shrank while reading: parse what is there
        done += size_t(n);
    }
    bytes.resize(done);
    return bytes;
}

} // namespace luthier::util
