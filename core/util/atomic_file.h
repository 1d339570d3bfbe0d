#pragma once
// Writing files so that nothing is lost and nothing is half-written: every file Luthier writes goes to a
// temporary sibling (same folder, unique name), every write(2) is checked, the data is fsync'd and the
// temporary is renamed over the target. On any failure the target keeps its old contents, the temporary is
// removed and a luthier::Error names the file and the reason (strerror: "No space left on device", ...).
//
//   util::writeFileAtomic(path, text);            // a whole file at once
//
//   util::AtomicFile out(path);                   // a big file in pieces (bounded memory)
//   out.write(chunk); ... out.write(chunk);
//   out.commit();                                 // without commit() the destructor discards the temporary
//
// Standard output is a file too (`luthier-cli inspect --json > /dev/full`): writeStdout() and flushStdout()
// throw when the bytes did not get out, so a command exits non-zero instead of printing nothing with 0.

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace luthier::util {

class AtomicFile {
public:
    // Creates the temporary next to `target` (throws Error when the folder is missing or not writable).
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Buffers `bytes` and writes full buffers to the temporary; throws Error on the first failed write.
    void write(std::string_view bytes);
    // Writes what is buffered, fsyncs, closes and renames over the target (then fsyncs the folder, so the
    // rename itself survives a power cut). Throws Error, leaving the target as it was.
    void commit();

    const std::filesystem::path& target() const { return m_target; }

private:
    void flushBuffer();
    [[noreturn]] void fail(const std::string& what, int error);
    void discard() noexcept;

    std::filesystem::path m_target, m_temp;
    int m_fd = -1;
    std::string m_buffer;
    bool m_committed = false;
};

// An std::ostream over an AtomicFile, for writers that format with <<. Its stream buffer writes through to
// the file in pieces; a failed write throws the AtomicFile's Error out of the << (badbit is an exception
// here, so it cannot be swallowed). Without commit() the destructor discards the temporary.
class AtomicStream : public std::ostream {
public:
    explicit AtomicStream(std::filesystem::path target);
    ~AtomicStream() override;
    void commit();

private:
    class Buffer : public std::streambuf {
    public:
        explicit Buffer(AtomicFile& file)
            : m_file(file)
        {
        }

    protected:
        int_type overflow(int_type c) override;
        std::streamsize xsputn(const char* s, std::streamsize n) override;

    private:
        AtomicFile& m_file;
    };
    AtomicFile m_file;
    Buffer m_buffer;
};

// The whole of `bytes` as the new contents of `path`, atomically (see above).
void writeFileAtomic(const std::filesystem::path& path, std::string_view bytes);

// Writes to file descriptor 1 with every write(2) checked, after flushing what stdio and std::cout hold.
// Throws Error("standard output: <reason>").
void writeStdout(std::string_view bytes);
// Flushes stdio's and std::cout's buffers for standard output and throws Error("standard output: <reason>")
// when any earlier printf/cout write or this flush failed. Call it at the end of a command that prints.
void flushStdout();

} // namespace luthier::util
