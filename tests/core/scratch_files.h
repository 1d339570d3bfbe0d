#pragma once
// Reading and writing the scratch files of the fault suites directly, bypassing the writers under test.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace luthier::test {

// The file's bytes; empty when it cannot be read.
inline std::string contents(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void put(const std::filesystem::path& file, const std::string& text)
{
    std::ofstream(file, std::ios::binary) << text;
}

// The names of the entries in `dir`, but `ignored`.
inline std::set<std::string> names(const std::filesystem::path& dir, const std::string& ignored = {})
{
    std::set<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().filename() != ignored) out.insert(entry.path().filename().string());
    return out;
}

} // namespace luthier::test
