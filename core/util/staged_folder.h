#pragma once
// Design and export folders as transactions: a folder is either entirely the old one or entirely the new one,
// never a mix, whatever happens mid-write (kill -9, full disk, an exception, a second writer).
//
//   util::StagedFolder folder(dir);   // locks DIR (a second writer fails here at once), stages DIR.tmp-PID
//   write every file into folder.path() ...
//   folder.commit();                  // records each file's SHA-256, swaps the staged folder in atomically
//   // leaving the scope without commit() (an exception) removes the staging folder; DIR is untouched
//
// The lock is flock(2) on the sibling DIR.lock, held from the constructor to commit() or destruction; the
// kernel drops it when the process dies, and the next writer removes what a killed writer left (DIR.tmp-*).
// commit() writes DIR/luthier-folder.json last, the completion record: {"format": "luthier-folder",
// "complete": true, "files": {"relative/path": "<sha256>", ...}} for every regular file, then swaps the
// staged folder with DIR by renameat2(RENAME_EXCHANGE) (one atomic step; a plain rename when DIR did not
// exist) and deletes the old one. checkFolder() is what readers (verify, export, place, synth) call.
//
// A folder that exists, is not empty and is neither a Luthier folder (luthier-folder.json or manifest.json)
// is refused rather than replaced: `compile -o ~/Documents` must not delete the user's documents.

#include <filesystem>
#include <string>

namespace luthier::util {

inline constexpr const char* kFolderRecordFile = "luthier-folder.json";

class StagedFolder {
public:
    // Throws Error when DIR is a file or a foreign non-empty folder, when its parent cannot be written, or
    // when another process holds the lock ("... is being written by another process (pid N) ...").
    explicit StagedFolder(const std::filesystem::path& dir);
    ~StagedFolder();
    StagedFolder(const StagedFolder&) = delete;
    StagedFolder& operator=(const StagedFolder&) = delete;

    // Where to write: DIR.tmp-PID until commit(), empty at first.
    const std::filesystem::path& path() const { return m_staging; }
    const std::filesystem::path& target() const { return m_target; }
    // Records the checksums and swaps the staged folder in. Throws Error (DIR unchanged) on failure.
    void commit();

private:
    void unlock() noexcept;

    std::filesystem::path m_target, m_staging, m_lockFile;
    int m_lockFd = -1;
    bool m_committed = false;
};

// Checks DIR against its completion record: every file listed exists as a regular file (not a symbolic link)
// with the recorded SHA-256. Throws Error naming DIR and the first file that does not match. A folder with no
// record at all (written by hand or by Luthier before 0.x) is accepted and returns false; true when checked.
bool checkFolder(const std::filesystem::path& dir);

} // namespace luthier::util
