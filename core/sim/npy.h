#pragma once
// NumPy .npy files (format versions 1-3): the dataset and reference-output format of the golden model.
// Reads float32/float64/int8..int64/uint8..uint64/bool arrays in C order and little-endian (or
// byte-order-free) encodings; everything else is a luthier::Error that names the file and the reason.

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::sim {

enum class NpyType { Float32, Float64, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Bool };

const char* toString(NpyType type);
bool isInteger(NpyType type); // integer and bool types

struct NpyArray {
    std::vector<int64_t> shape;
    NpyType type = NpyType::Float32;
    std::vector<double> values; // every element as double (exact for all integers below 2^53)
    std::vector<int64_t> ints; // integer and bool arrays only: the exact values

    int64_t count() const;
};

struct NpyLimits {
    int64_t maxElements = int64_t(1) << 31;
};

NpyArray readNpy(const std::string& path, const NpyLimits& limits = {});
// `label` names the source in error messages.
NpyArray parseNpy(const std::string& bytes, const std::string& label, const NpyLimits& limits = {});

// Writers (version 1.0 header, little-endian, C order). Throw luthier::Error when the file cannot be written.
void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data);
void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<double>& data);
void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<int64_t>& data);
std::string encodeNpy(const std::vector<int64_t>& shape, const std::vector<float>& data);

} // namespace luthier::sim
