#include "rtl/test_vectors.h"

#include "util/atomic_file.h"
#include "util/error.h"

#include <fstream>
#include <sstream>

namespace luthier::rtl {

void writeVectors(const std::filesystem::path& file, const TestVectors& vectors)
{
    util::AtomicStream out(file);
    out << "luthier-vectors 1\n" << vectors.count() << " " << vectors.inputCount << " " << vectors.outputCount << "\n";
    for (int64_t v = 0; v < vectors.count(); ++v) {
        for (int64_t i = 0; i < vectors.inputCount; ++i)
            out << (i ? " " : "") << vectors.inputs[size_t(v * vectors.inputCount + i)];
        out << "\n";
        for (int64_t o = 0; o < vectors.outputCount; ++o)
            out << (o ? " " : "") << vectors.expected[size_t(v * vectors.outputCount + o)];
        out << "\n";
    }
    out.commit();
}

namespace {

// The header line of a vectors file: how many vectors, and the codes per vector on each side.
struct VectorsHeader {
    int64_t count = 0, inputCount = 0, outputCount = 0;
};

VectorsHeader readHeader(std::istream& in, const std::filesystem::path& file)
{
    std::string magic;
    int version = 0;
    VectorsHeader h { -1, 0, 0 };
    if (!(in >> magic >> version >> h.count >> h.inputCount >> h.outputCount) || magic != "luthier-vectors"
        || version != 1 || h.count < 0 || h.inputCount < 1 || h.outputCount < 1 || h.count > (int64_t(1) << 26))
        throw Error(file.string() + ": not a luthier-vectors 1 file (bad header)");
    return h;
}

std::ifstream openVectors(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot open test vectors " + file.string());
    return in;
}

} // namespace

TestVectors readVectors(const std::filesystem::path& file)
{
    std::ifstream in = openVectors(file);
    const VectorsHeader header = readHeader(in, file);
    const int64_t count = header.count;
    TestVectors v;
    v.inputCount = header.inputCount;
    v.outputCount = header.outputCount;
    v.inputs.resize(size_t(count * v.inputCount));
    v.expected.resize(size_t(count * v.outputCount));
    for (int64_t s = 0; s < count; ++s) {
        for (int64_t i = 0; i < v.inputCount; ++i)
            if (!(in >> v.inputs[size_t(s * v.inputCount + i)]))
                throw Error(file.string() + ": vector " + std::to_string(s) + " has fewer than "
                    + std::to_string(v.inputCount) + " input codes");
        for (int64_t o = 0; o < v.outputCount; ++o)
            if (!(in >> v.expected[size_t(s * v.outputCount + o)]))
                throw Error(file.string() + ": vector " + std::to_string(s) + " has fewer than "
                    + std::to_string(v.outputCount) + " expected outputs");
    }
    return v;
}

} // namespace luthier::rtl
