#include "util/atomic_file.h"

#include "util/error.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace luthier::util {

namespace fs = std::filesystem;

namespace {

// Big enough that a file of many small pieces costs few system calls, small enough to be nothing in memory.
constexpr size_t kBufferSize = size_t(1) << 16;

std::atomic<unsigned> g_counter { 0 };

// Writes all of `bytes` to `fd`, retrying short writes and EINTR; returns 0 or the errno of the failure.
int writeAll(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        bytes.remove_prefix(size_t(n));
    }
    return 0;
}

void fsyncFolder(const fs::path& folder)
{
    // Best effort: the file's data is already durable; some file systems refuse fsync on a folder.
    const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

AtomicFile::AtomicFile(fs::path target)
    : m_target(std::move(target))
{
    const fs::path folder = m_target.parent_path();
    std::error_code ec;
    if (fs::is_directory(m_target, ec)) throw Error("cannot write " + m_target.string() + ": it is a folder");
    // Keep the mode of the file being replaced (a project the user made read-only for others stays so).
    struct stat old { };
    const bool replacing = ::stat(m_target.c_str(), &old) == 0;
    for (int attempt = 0; m_fd < 0; ++attempt) {
        // A dot name so that a crash before commit leaves a hidden file, never one that looks like the output.
        m_temp = folder
            / ("." + m_target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-"
                + std::to_string(g_counter++));
        m_fd = ::open(m_temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd < 0 && (errno != EEXIST || attempt > 100))
            throw Error("cannot write " + m_target.string() + ": cannot create a temporary file in "
                + (folder.empty() ? std::string(".") : folder.string()) + ": " + std::strerror(errno));
    }
    if (replacing) ::fchmod(m_fd, old.st_mode & 07777);
    m_buffer.reserve(kBufferSize);
}

AtomicFile::~AtomicFile()
{
    if (!m_committed) discard();
}

void AtomicFile::discard() noexcept
{
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
    m_temp.clear();
}

void AtomicFile::fail(const std::string& what, int error)
{
    discard();
    throw Error("cannot write " + m_target.string() + ": " + what + ": " + std::strerror(error)
        + " (the previous contents, if any, are unchanged)");
}

void AtomicFile::flushBuffer()
{
    if (const int error = writeAll(m_fd, m_buffer)) fail("write failed", error);
    m_buffer.clear();
}

void AtomicFile::write(std::string_view bytes)
{
    if (m_fd < 0) throw Error("cannot write " + m_target.string() + ": the file was already committed or failed");
    if (m_buffer.size() + bytes.size() > kBufferSize) {
        flushBuffer();
        if (bytes.size() >= kBufferSize) {
            if (const int error = writeAll(m_fd, bytes)) fail("write failed", error);
            return;
        }
    }
    m_buffer.append(bytes);
}

void AtomicFile::commit()
{
    if (m_fd < 0) throw Error("cannot write " + m_target.string() + ": the file was already committed or failed");
    flushBuffer();
    if (::fsync(m_fd) != 0) fail("fsync failed", errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) fail("close failed", errno);
    if (::rename(m_temp.c_str(), m_target.c_str()) != 0)
        fail("cannot rename " + m_temp.filename().string() + " over it", errno);
    m_committed = true;
    fsyncFolder(m_target.parent_path());
}

AtomicStream::AtomicStream(fs::path target)
    : std::ostream(nullptr)
    , m_file(std::move(target))
    , m_buffer(m_file)
{
    rdbuf(&m_buffer);
    exceptions(std::ios::badbit);
}

AtomicStream::~AtomicStream() = default;

void AtomicStream::commit()
{
    if (!*this) // failbit from a formatting error: the text is not what the caller meant to write
        throw Error("cannot write " + m_file.target().string() + ": formatting failed");
    m_file.commit();
}

AtomicStream::Buffer::int_type AtomicStream::Buffer::overflow(int_type c)
{
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
        const char ch = traits_type::to_char_type(c);
        m_file.write(std::string_view(&ch, 1));
    }
    return traits_type::not_eof(c);
}

std::streamsize AtomicStream::Buffer::xsputn(const char* s, std::streamsize n)
{
    m_file.write(std::string_view(s, size_t(n)));
    return n;
}

void writeFileAtomic(const fs::path& path, std::string_view bytes)
{
    AtomicFile file(path);
    file.write(bytes);
    file.commit();
}

void writeStdout(std::string_view bytes)
{
    flushStdout(); // what printf and cout hold goes first, in order
    if (const int error = writeAll(STDOUT_FILENO, bytes))
        throw Error(std::string("standard output: ") + std::strerror(error));
}

void flushStdout()
{
    std::cout.flush();
    errno = 0;
    const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout;
    if (failed) {
        const int error = errno ? errno : EIO;
        // Clear the state so that the error is reported once, not again at exit.
        std::clearerr(stdout);
        std::cout.clear();
        throw Error(std::string("standard output: ") + std::strerror(error));
    }
}

} // namespace luthier::util
