#pragma once
// `-` as a file name: standard input where a command reads a file, standard output where it writes one. The
// core reads and writes paths (and picks a format by extension), so the bytes pass through a private temporary
// folder that is removed when the program ends.

#include <string>

namespace luthier::cli {

// `argument` itself, or for "-" a temporary file holding all of standard input: stdin.npy when the bytes start
// with NumPy's magic, stdin.csv otherwise. Standard input is read once; a second "-" is an Error.
std::string inputPath(const std::string& argument);

// An output file named on the command line. For "-", path() is a temporary file and finish() copies it to
// standard output (checked, util::writeStdout); the command's report then goes to standard error.
class OutputPath {
public:
    explicit OutputPath(std::string argument);
    const std::string& path() const { return m_path; }
    bool toStdout() const { return m_toStdout; }
    void finish() const;

private:
    std::string m_path;
    bool m_toStdout = false;
};

} // namespace luthier::cli
