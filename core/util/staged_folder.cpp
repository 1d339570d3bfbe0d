#include "util/staged_folder.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"
#include "util/sha256.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace luthier::util {

namespace fs = std::filesystem;

namespace {

// "out/", "./out" and "out" are one folder; its siblings DIR.lock and DIR.tmp-PID need a real name.
fs::path normalised(const fs::path& dir)
{
    fs::path p = fs::absolute(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    if (p.filename().empty() || p.filename() == "." || p.filename() == "..")
        throw Error("cannot write the folder " + dir.string() + ": give it a name");
    return p;
}

void fsyncPath(const fs::path& path, int flags)
{
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

bool isLuthierFolderOrEmpty(const fs::path& dir)
{
    std::error_code ec;
    if (fs::is_empty(dir, ec)) return true;
    return fs::exists(dir / kFolderRecordFile, ec) || fs::exists(dir / "manifest.json", ec);
}

// DIR.tmp-PID or DIR.tmp-PID-old (see commit()), nothing else: a user's "DIR.tmp-notes" stays.
bool isLeftover(const std::string& name, const std::string& prefix)
{
    if (name.rfind(prefix, 0) != 0) return false;
    std::string rest = name.substr(prefix.size());
    if (rest.size() > 4 && rest.compare(rest.size() - 4, 4, "-old") == 0) rest.resize(rest.size() - 4);
    return !rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos;
}

nlohmann::json record(const fs::path& root)
{
    nlohmann::json files = nlohmann::json::object();
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const fs::file_status status = it->symlink_status();
        if (fs::is_directory(status)) continue;
        const std::string relative = it->path().lexically_relative(root).generic_string();
        if (relative == kFolderRecordFile) continue;
        if (!fs::is_regular_file(status))
            throw Error("cannot finish " + root.string() + ": " + relative + " is not a regular file");
        files[relative] = sha256File(it->path());
    }
    if (ec) throw Error("cannot finish " + root.string() + ": " + ec.message());
    return { { "format", "luthier-folder" }, { "version", 1 }, { "complete", true }, { "files", files } };
}

} // namespace

StagedFolder::StagedFolder(const fs::path& dir)
    : m_target(normalised(dir))
{
    std::error_code ec;
    if (fs::exists(m_target, ec) && !fs::is_directory(m_target, ec))
        throw Error(m_target.string() + " exists and is not a folder");
    const fs::path parent = m_target.parent_path();
    fs::create_directories(parent, ec);
    if (ec) throw Error("cannot create the folder " + parent.string() + ": " + ec.message());

    // Lock DIR.lock. The holder unlinks it when done, so a locked descriptor may belong to a file that is no
    // longer at the path: then lock the new one.
    m_lockFile = parent / (m_target.filename().string() + ".lock");
    for (;;) {
        m_lockFd = ::open(m_lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_lockFd < 0)
            throw Error("cannot create the lock file " + m_lockFile.string() + ": " + std::strerror(errno));
        if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
            const int error = errno;
            char pid[32] = {};
            const ssize_t n = ::pread(m_lockFd, pid, sizeof pid - 1, 0);
            ::close(m_lockFd);
            m_lockFd = -1;
            if (error == EWOULDBLOCK)
                throw Error(m_target.string() + " is being written by another process"
                    + (n > 0 ? " (pid " + std::string(pid, size_t(n)) + ")" : std::string()) + ", which holds "
                    + m_lockFile.string() + ": wait for it to finish or choose another folder");
            throw Error("cannot lock " + m_lockFile.string() + ": " + std::strerror(error));
        }
        struct stat held {
        }, atPath {};
        if (::fstat(m_lockFd, &held) == 0 && ::stat(m_lockFile.c_str(), &atPath) == 0 && held.st_ino == atPath.st_ino
            && held.st_dev == atPath.st_dev)
            break;
        ::close(m_lockFd);
    }
    const std::string pid = std::to_string(::getpid());
    if (::ftruncate(m_lockFd, 0) != 0 || ::pwrite(m_lockFd, pid.data(), pid.size(), 0) != ssize_t(pid.size())) {
        // The pid only improves the second writer's message; the lock is what matters.
    }

    if (fs::is_directory(m_target, ec) && !isLuthierFolderOrEmpty(m_target)) {
        unlock();
        throw Error(m_target.string() + " is a folder that Luthier did not write (no " + kFolderRecordFile
            + " or manifest.json); it would be replaced: choose a new or empty folder");
    }

    // Holding the lock, whatever DIR.tmp-* exists was left by a writer that died: remove it.
    const std::string prefix = m_target.filename().string() + ".tmp-";
    for (const auto& entry : fs::directory_iterator(parent, ec))
        if (isLeftover(entry.path().filename().string(), prefix)) fs::remove_all(entry.path(), ec);

    m_staging = parent / (prefix + pid);
    if (!fs::create_directory(m_staging, ec) || ec) {
        const std::string reason = ec ? ec.message() : "it already exists";
        unlock();
        throw Error("cannot create the staging folder " + m_staging.string() + ": " + reason);
    }
}

StagedFolder::~StagedFolder()
{
    if (!m_committed && !m_staging.empty()) {
        std::error_code ec;
        fs::remove_all(m_staging, ec);
    }
    unlock();
}

void StagedFolder::unlock() noexcept
{
    if (m_lockFd < 0) return;
    ::unlink(m_lockFile.c_str()); // before unlocking: see the constructor's loop
    ::close(m_lockFd);
    m_lockFd = -1;
}

void StagedFolder::commit()
{
    if (m_committed || m_lockFd < 0) throw Error("the folder " + m_target.string() + " was already committed");
    writeFileAtomic(m_staging / kFolderRecordFile, dumpJson(record(m_staging), 1) + "\n");
    // Every file is on disk before the folder becomes visible under its real name.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(m_staging, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        fsyncPath(it->path(), it->is_directory() ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    fsyncPath(m_staging, O_RDONLY | O_DIRECTORY);

    const bool replacing = fs::exists(m_target, ec);
    int rc = replacing ? ::renameat2(AT_FDCWD, m_staging.c_str(), AT_FDCWD, m_target.c_str(), RENAME_EXCHANGE)
                       : ::rename(m_staging.c_str(), m_target.c_str());
    if (rc != 0 && replacing && (errno == EINVAL || errno == ENOSYS)) {
        // A file system without RENAME_EXCHANGE: two renames, with a short window where DIR is missing and
        // DIR.tmp-PID-old holds the old folder (the next writer's clean-up removes it).
        const fs::path old = m_staging.string() + "-old";
        rc = ::rename(m_target.c_str(), old.c_str());
        if (rc == 0 && (rc = ::rename(m_staging.c_str(), m_target.c_str())) != 0)
            ::rename(old.c_str(), m_target.c_str());
        if (rc == 0) fs::rename(old, m_staging, ec);
    }
    if (rc != 0)
        throw Error("cannot move the finished folder into place as " + m_target.string() + ": " + std::strerror(errno)
            + " (the previous folder is unchanged)");
    m_committed = true;
    fsyncPath(m_target.parent_path(), O_RDONLY | O_DIRECTORY);
    if (replacing) fs::remove_all(m_staging, ec); // now the old folder
    unlock();
}

bool checkFolder(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": not a folder");
    const fs::path file = dir / kFolderRecordFile;
    if (!fs::exists(fs::symlink_status(file, ec))) return false;
    const nlohmann::json doc = parseJson(readTextFile(file, "the folder's completion record"), file.string());
    const std::string again = ": it was changed or mixed with another write since it was finished; write it "
                              "again (or delete "
        + std::string(kFolderRecordFile) + " to use hand-edited files)";
    if (!doc.is_object() || doc.value("format", "") != "luthier-folder" || !doc.contains("files")
        || !doc["files"].is_object())
        throw Error(file.string() + ": not a Luthier folder record");
    if (!doc.value("complete", false))
        throw Error(dir.string() + ": the folder is incomplete (its writer did not finish)");
    for (const auto& [name, hash] : doc["files"].items()) {
        const fs::path relative = fs::path(name).lexically_normal();
        if (name.empty() || relative.is_absolute() || *relative.begin() == "..")
            throw Error(file.string() + ": '" + name + "' is not a path inside the folder");
        const fs::path path = dir / relative;
        const fs::file_status status = fs::symlink_status(path, ec);
        if (!fs::exists(status)) throw Error(path.string() + ": missing from the folder" + again);
        if (!fs::is_regular_file(status))
            throw Error(path.string() + ": not a regular file (a symbolic link?)" + again);
        if (!hash.is_string() || sha256File(path) != hash.get<std::string>())
            throw Error(path.string() + ": does not match its SHA-256 in " + kFolderRecordFile + again);
    }
    return true;
}

} // namespace luthier::util
