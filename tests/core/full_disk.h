#pragma once
// A file system that runs out of space, for the fault tests (label faults). On a machine where the test may
// mount (root, as in CI's container), a real 64 KiB tmpfs on a scratch folder, filled to the last byte:
// writes fail with ENOSPC. Elsewhere the folder stays on the normal disk and fill() lowers RLIMIT_FSIZE to
// 64 bytes for this process (SIGXFSZ ignored): writes beyond it fail with EFBIG. Either way a write fails
// for real in the kernel, exactly where a full disk would make it fail.

#include <QtGlobal>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

namespace luthier::test {

class FullDisk {
public:
    explicit FullDisk(std::filesystem::path dir)
        : m_dir(std::move(dir))
    {
        std::filesystem::create_directories(m_dir);
        m_mounted = ::mount("tmpfs", m_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == 0;
    }
    ~FullDisk()
    {
        restore();
        if (m_mounted) ::umount2(m_dir.c_str(), MNT_DETACH);
    }
    FullDisk(const FullDisk&) = delete;
    FullDisk& operator=(const FullDisk&) = delete;

    const std::filesystem::path& dir() const { return m_dir; }
    bool isTmpfs() const { return m_mounted; }
    // The reason a write now fails, as strerror words it.
    std::string reason() const { return std::strerror(m_mounted ? ENOSPC : EFBIG); }

    // From now on no file can grow: the tmpfs is filled up, or the file size limit drops to 64 bytes.
    void fill()
    {
        if (m_mounted) {
            const int fd = ::open((m_dir / ".filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            char block[4096] = {};
            for (size_t size = sizeof block; size > 0; size /= 2)
                while (::write(fd, block, size) == ssize_t(size)) { }
            ::close(fd);
        } else {
            ::getrlimit(RLIMIT_FSIZE, &m_saved);
            m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
            const rlimit tiny { 64, m_saved.rlim_max };
            ::setrlimit(RLIMIT_FSIZE, &tiny);
            m_limited = true;
        }
    }
    // Space again (the filler removed, the limit restored).
    void restore()
    {
        if (m_limited) {
            ::setrlimit(RLIMIT_FSIZE, &m_saved);
            std::signal(SIGXFSZ, m_oldHandler);
            m_limited = false;
        }
        if (m_mounted) ::unlink((m_dir / ".filler").c_str());
    }

private:
    std::filesystem::path m_dir;
    bool m_mounted = false, m_limited = false;
    rlimit m_saved {};
    void (*m_oldHandler)(int) = SIG_DFL;
};

} // namespace luthier::test
