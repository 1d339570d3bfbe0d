#include "sim/npy.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/input_file.h"

#include <bit>
#include <cstring>
#include <limits>
#include <sstream>

namespace luthier::sim {

static_assert(std::endian::native == std::endian::little, "the .npy code assumes a little-endian host");

const char* toString(NpyType type)
{
    switch (type) {
    case NpyType::Float32:
        return "float32";
    case NpyType::Float64:
        return "float64";
    case NpyType::Int8:
        return "int8";
    case NpyType::Int16:
        return "int16";
    case NpyType::Int32:
        return "int32";
    case NpyType::Int64:
        return "int64";
    case NpyType::UInt8:
        return "uint8";
    case NpyType::UInt16:
        return "uint16";
    case NpyType::UInt32:
        return "uint32";
    case NpyType::UInt64:
        return "uint64";
    case NpyType::Bool:
        return "bool";
    }
    return "?";
}

bool isInteger(NpyType type)
{
    return type != NpyType::Float32 && type != NpyType::Float64;
}

int64_t NpyArray::count() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

namespace {

struct TypeInfo {
    NpyType type;
    size_t size;
};

[[noreturn]] void fail(const std::string& label, const std::string& what)
{
    throw Error(label + ": " + what);
}

// descr such as "<f4", "|u1", "|b1", ">i8".
TypeInfo parseDescr(const std::string& descr, const std::string& label)
{
    if (descr.size() < 3) fail(label, "unsupported dtype '" + descr + "'");
    const char order = descr[0];
    const std::string kind = descr.substr(1);
    static const struct {
        const char* code;
        NpyType type;
        size_t size;
    } table[] = {
        { "f4", NpyType::Float32, 4 },
        { "f8", NpyType::Float64, 8 },
        { "i1", NpyType::Int8, 1 },
        { "i2", NpyType::Int16, 2 },
        { "i4", NpyType::Int32, 4 },
        { "i8", NpyType::Int64, 8 },
        { "u1", NpyType::UInt8, 1 },
        { "u2", NpyType::UInt16, 2 },
        { "u4", NpyType::UInt32, 4 },
        { "u8", NpyType::UInt64, 8 },
        { "b1", NpyType::Bool, 1 },
    };
    for (const auto& entry : table) {
        if (kind != entry.code) continue;
        if (order == '>' && entry.size > 1)
            fail(label, "big-endian data ('" + descr + "') is not supported; save it little-endian");
        if (order != '<' && order != '|' && order != '=' && order != '>')
            fail(label, "unsupported byte order in dtype '" + descr + "'");
        return { entry.type, entry.size };
    }
    fail(label, "unsupported dtype '" + descr + "' (supported: float32, float64, int8..int64, uint8..uint64, bool)");
}

// The value of `key` in the header dict, as raw text up to the next top-level comma or closing brace.
std::string headerValue(const std::string& header, const std::string& key, const std::string& label)
{
    const std::string quoted[] = { "'" + key + "'", "\"" + key + "\"" };
    size_t pos = std::string::npos;
    for (const std::string& q : quoted)
        if ((pos = header.find(q)) != std::string::npos) {
            pos += q.size();
            break;
        }
    if (pos == std::string::npos) fail(label, "header has no '" + key + "' entry");
    pos = header.find(':', pos);
    if (pos == std::string::npos) fail(label, "malformed header near '" + key + "'");
    ++pos;
    while (pos < header.size() && header[pos] == ' ')
        ++pos;
    size_t end = pos;
    int depth = 0;
    for (; end < header.size(); ++end) {
        const char ch = header[end];
        if (ch == '(')
            ++depth;
        else if (ch == ')')
            --depth;
        else if ((ch == ',' || ch == '}') && depth == 0)
            break;
    }
    return header.substr(pos, end - pos);
}

std::string unquote(std::string s)
{
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"')) return s.substr(1, s.size() - 2);
    return s;
}

std::vector<int64_t> parseShape(const std::string& text, const std::string& label, const NpyLimits& limits)
{
    if (text.empty() || text.front() != '(' || text.find(')') == std::string::npos)
        fail(label, "malformed shape '" + text + "'");
    std::vector<int64_t> shape;
    std::string inner = text.substr(1, text.find(')') - 1);
    std::stringstream ss(inner);
    std::string item;
    int64_t total = 1;
    while (std::getline(ss, item, ',')) {
        size_t b = item.find_first_not_of(' ');
        if (b == std::string::npos) continue;
        item = item.substr(b, item.find_last_not_of(' ') - b + 1);
        if (!item.empty() && item.back() == 'L') item.pop_back(); // Python 2 long suffix
        int64_t d = 0;
        for (char ch : item) {
            if (ch < '0' || ch > '9') fail(label, "malformed shape '" + text + "'");
            if (d > limits.maxElements) fail(label, "shape " + text + " is absurdly large");
            d = d * 10 + (ch - '0');
        }
        if (item.empty()) fail(label, "malformed shape '" + text + "'");
        if (d > limits.maxElements || (d > 0 && total > limits.maxElements / d))
            fail(label, "shape " + text + " exceeds the limit of " + std::to_string(limits.maxElements) + " elements");
        total *= d;
        shape.push_back(d);
    }
    if (shape.size() > 32) fail(label, "shape " + text + " has too many dimensions");
    return shape;
}

template <typename T> T load(const char* p)
{
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

} // namespace

NpyArray parseNpy(const std::string& bytes, const std::string& label, const NpyLimits& limits)
{
    if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) fail(label, "not a .npy file (bad magic)");
    const int major = uint8_t(bytes[6]);
    size_t headerLength = 0, offset = 0;
    if (major == 1) {
        headerLength = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) fail(label, "truncated header");
        headerLength = load<uint32_t>(bytes.data() + 8);
        offset = 12;
    } else {
        fail(label, "unsupported .npy version " + std::to_string(major));
    }
    if (bytes.size() < offset + headerLength) fail(label, "truncated header");
    const std::string header = bytes.substr(offset, headerLength);
    offset += headerLength;

    const std::string fortran = unquote(headerValue(header, "fortran_order", label));
    if (fortran == "True") fail(label, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
    if (fortran != "False") fail(label, "malformed fortran_order '" + fortran + "'");
    const TypeInfo info = parseDescr(unquote(headerValue(header, "descr", label)), label);

    NpyArray array;
    array.type = info.type;
    array.shape = parseShape(headerValue(header, "shape", label), label, limits);
    const int64_t n = array.count();
    const size_t need = size_t(n) * info.size;
    if (bytes.size() - offset < need)
        fail(label,
            "truncated data: shape needs " + std::to_string(need) + " bytes, file has "
                + std::to_string(bytes.size() - offset));

    const char* p = bytes.data() + offset;
    array.values.resize(size_t(n));
    if (isInteger(info.type)) array.ints.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i, p += info.size) {
        int64_t v = 0;
        switch (info.type) {
        case NpyType::Float32:
            array.values[size_t(i)] = load<float>(p);
            continue;
        case NpyType::Float64:
            array.values[size_t(i)] = load<double>(p);
            continue;
        case NpyType::Int8:
            v = load<int8_t>(p);
            break;
        case NpyType::Int16:
            v = load<int16_t>(p);
            break;
        case NpyType::Int32:
            v = load<int32_t>(p);
            break;
        case NpyType::Int64:
            v = load<int64_t>(p);
            break;
        case NpyType::UInt8:
            v = load<uint8_t>(p);
            break;
        case NpyType::UInt16:
            v = load<uint16_t>(p);
            break;
        case NpyType::UInt32:
            v = load<uint32_t>(p);
            break;
        case NpyType::UInt64: {
            const uint64_t u = load<uint64_t>(p);
            if (u > uint64_t(std::numeric_limits<int64_t>::max()))
                fail(label, "uint64 value " + std::to_string(u) + " does not fit in int64");
            v = int64_t(u);
            break;
        }
        case NpyType::Bool:
            v = load<uint8_t>(p) != 0;
            break;
        }
        array.ints[size_t(i)] = v;
        array.values[size_t(i)] = double(v);
    }
    return array;
}

NpyArray readNpy(const std::string& path, const NpyLimits& limits)
{
    // Elements of at most 8 bytes plus a header of at most 4 GiB (version 2): anything larger cannot parse.
    const uint64_t maxBytes = uint64_t(std::max<int64_t>(limits.maxElements, 0)) * 8 + (uint64_t(1) << 32);
    return parseNpy(util::readInputFile(path, "the .npy array", maxBytes), path, limits);
}

namespace {

std::string headerFor(const std::vector<int64_t>& shape, const char* descr)
{
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
    for (size_t i = 0; i < shape.size(); ++i)
        dict += (i ? ", " : "") + std::to_string(shape[i]);
    dict += shape.size() == 1 ? ",), }" : "), }";
    // Pad so that the data starts on a 64-byte boundary, header ends with '\n'.
    const size_t total = 10 + dict.size() + 1;
    dict += std::string((64 - total % 64) % 64, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(dict.size() & 0xff);
    out += char(dict.size() >> 8);
    return out + dict;
}

template <typename T>
std::string encode(const std::vector<int64_t>& shape, const std::vector<T>& data, const char* descr)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    if (n != int64_t(data.size()))
        throw Error(
            "writeNpy: shape has " + std::to_string(n) + " elements but data has " + std::to_string(data.size()));
    std::string out = headerFor(shape, descr);
    out.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T));
    return out;
}

void writeFile(const std::string& path, const std::string& bytes)
{
    util::writeFileAtomic(path, bytes);
}

} // namespace

std::string encodeNpy(const std::vector<int64_t>& shape, const std::vector<float>& data)
{
    return encode(shape, data, "<f4");
}

void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data)
{
    writeFile(path, encode(shape, data, "<f4"));
}

void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<double>& data)
{
    writeFile(path, encode(shape, data, "<f8"));
}

void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<int64_t>& data)
{
    writeFile(path, encode(shape, data, "<i8"));
}

} // namespace luthier::sim
