#pragma once
// SHA-256 (FIPS 180-4) of bytes and of files, as lower-case hex: the checksums that a finished design or
// export folder records for every file (util/staged_folder.h), so a folder whose files were changed, cut
// short or mixed with another design's is refused. Small and dependency-free on purpose.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace luthier::util {

class Sha256 {
public:
    Sha256();
    void update(std::string_view bytes);
    // The digest as 64 hex digits; the object must not be updated afterwards.
    std::string hexDigest();

private:
    void block(const unsigned char* p);

    std::array<uint32_t, 8> m_state;
    std::array<unsigned char, 64> m_pending {};
    size_t m_pendingSize = 0;
    uint64_t m_length = 0;
};

std::string sha256Hex(std::string_view bytes);
// Streams the file; throws luthier::Error naming it when it cannot be read.
std::string sha256File(const std::filesystem::path& file);

} // namespace luthier::util
