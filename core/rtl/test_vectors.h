#pragma once
// Test vectors of a design folder: input codes and the outputs the golden model expects, in the text file
// DIR/vectors.txt that the Verilator harness streams. Format:
//   luthier-vectors 1
//   <count> <inputs per vector> <outputs per vector>
//   then per vector two lines: the input codes (unsigned decimal), the expected outputs (signed decimal)

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace luthier::rtl {

inline constexpr const char* kVectorsFile = "vectors.txt";

struct TestVectors {
    int64_t inputCount = 0, outputCount = 0;
    std::vector<uint64_t> inputs; // count * inputCount codes
    std::vector<int64_t> expected; // count * outputCount

    int64_t count() const { return inputCount ? int64_t(inputs.size()) / inputCount : 0; }
};

void writeVectors(const std::filesystem::path& file, const TestVectors& vectors);
// Throws luthier::Error naming the file and line on malformed input.
TestVectors readVectors(const std::filesystem::path& file);

} // namespace luthier::rtl
