#include "onnx/const_tensor.h"

#include "util/error.h"

#include <cmath>
#include <cstring>

namespace luthier::importer {

double ConstTensor::scalar() const
{
    if (values.size() != 1) throw Error("expected a scalar constant, got shape " + ir::toString(shape));
    return values[0];
}

std::optional<int64_t> exactInteger(double value)
{
    constexpr double kExactLimit = 9007199254740992.0; // 2^53
    if (!(std::fabs(value) <= kExactLimit) || value != std::floor(value)) return std::nullopt;
    return int64_t(value);
}

namespace {

template <typename T>
void appendRaw(const std::string& bytes, int64_t count, std::vector<double>& out, const std::string& where)
{
    if (int64_t(bytes.size()) != count * int64_t(sizeof(T)))
        throw Error(where + ": raw_data holds " + std::to_string(bytes.size()) + " bytes, shape needs "
            + std::to_string(count * int64_t(sizeof(T))));
    out.resize(size_t(count));
    for (int64_t i = 0; i < count; ++i) {
        T v;
        std::memcpy(&v, bytes.data() + i * int64_t(sizeof(T)), sizeof(T));
        out[size_t(i)] = double(v);
    }
}

template <typename Field>
void appendField(const Field& field, int64_t count, std::vector<double>& out, const std::string& where)
{
    if (int64_t(field.size()) != count)
        throw Error(
            where + ": holds " + std::to_string(field.size()) + " values, shape needs " + std::to_string(count));
    out.assign(field.begin(), field.end());
}

} // namespace

ConstTensor fromTensorProto(const onnx::TensorProto& proto, int64_t maxElements, const std::string& where)
{
    using TP = onnx::TensorProto;
    ConstTensor t;
    t.elemType = proto.data_type();
    int64_t count = 1;
    for (int64_t d : proto.dims()) {
        if (d < 0) throw Error(where + ": negative dimension " + std::to_string(d));
        // Each dimension is bounded too: after a zero dimension the count stays 0 whatever follows.
        if (d > maxElements || (d > 0 && count > maxElements / d))
            throw Error(where + ": tensor larger than the limit of " + std::to_string(maxElements) + " elements");
        count *= d;
        t.shape.push_back(d);
    }
    if (proto.data_location() == TP::EXTERNAL)
        throw Error(where + ": external tensor data is not supported; save the model with weights embedded");
    const bool raw = proto.has_raw_data();
    const std::string& bytes = proto.raw_data();
    switch (proto.data_type()) {
    case TP::FLOAT:
        raw ? appendRaw<float>(bytes, count, t.values, where) : appendField(proto.float_data(), count, t.values, where);
        break;
    case TP::DOUBLE:
        raw ? appendRaw<double>(bytes, count, t.values, where)
            : appendField(proto.double_data(), count, t.values, where);
        break;
    case TP::INT64:
        t.isInteger = true;
        raw ? appendRaw<int64_t>(bytes, count, t.values, where)
            : appendField(proto.int64_data(), count, t.values, where);
        break;
    case TP::UINT64:
        t.isInteger = true;
        raw ? appendRaw<uint64_t>(bytes, count, t.values, where)
            : appendField(proto.uint64_data(), count, t.values, where);
        break;
    case TP::INT32:
        t.isInteger = true;
        raw ? appendRaw<int32_t>(bytes, count, t.values, where)
            : appendField(proto.int32_data(), count, t.values, where);
        break;
    case TP::INT16:
    case TP::UINT16:
    case TP::INT8:
    case TP::UINT8:
    case TP::BOOL:
        t.isInteger = true;
        if (raw) {
            if (proto.data_type() == TP::INT16)
                appendRaw<int16_t>(bytes, count, t.values, where);
            else if (proto.data_type() == TP::UINT16)
                appendRaw<uint16_t>(bytes, count, t.values, where);
            else if (proto.data_type() == TP::INT8)
                appendRaw<int8_t>(bytes, count, t.values, where);
            else
                appendRaw<uint8_t>(bytes, count, t.values, where);
        } else {
            appendField(proto.int32_data(), count, t.values, where); // small types are stored widened
        }
        break;
    default:
        throw Error(where + ": unsupported tensor element type " + TP::DataType_Name(TP::DataType(proto.data_type())));
    }
    return t;
}

std::optional<int> varyingAxis(const ir::Shape& constShape, const ir::Shape& shape)
{
    if (constShape.size() > shape.size()) return std::nullopt;
    const size_t offset = shape.size() - constShape.size(); // numpy-style right alignment
    int axis = -1;
    for (size_t i = 0; i < constShape.size(); ++i) {
        const int64_t d = constShape[i];
        if (d == 1) continue;
        if (d != shape[offset + i] || axis != -1) return std::nullopt;
        axis = int(offset + i);
    }
    return axis;
}

ConstTensor transposed(const ConstTensor& t, const std::vector<int64_t>& perm)
{
    const size_t rank = t.shape.size();
    if (perm.size() != rank)
        throw Error("Transpose perm has " + std::to_string(perm.size()) + " axes, tensor has " + std::to_string(rank));
    ConstTensor out = t;
    std::vector<int64_t> inStrides(rank, 1);
    for (size_t i = rank; i-- > 1;)
        inStrides[i - 1] = inStrides[i] * t.shape[i];
    for (size_t i = 0; i < rank; ++i) {
        if (perm[i] < 0 || size_t(perm[i]) >= rank)
            throw Error("Transpose perm axis " + std::to_string(perm[i]) + " out of range");
        out.shape[i] = t.shape[size_t(perm[i])];
    }
    const int64_t n = t.size();
    std::vector<int64_t> index(rank, 0);
    for (int64_t o = 0; o < n; ++o) {
        int64_t src = 0;
        for (size_t i = 0; i < rank; ++i)
            src += index[i] * inStrides[size_t(perm[i])];
        out.values[size_t(o)] = t.values[size_t(src)];
        if (!t.raw.empty()) out.raw[size_t(o)] = t.raw[size_t(src)];
        for (size_t i = rank; i-- > 0;) {
            if (++index[i] < out.shape[i]) break;
            index[i] = 0;
        }
    }
    if (out.quant && out.quant->axis >= 0) {
        for (size_t i = 0; i < rank; ++i)
            if (perm[i] == out.quant->axis) {
                out.quant->axis = int(i);
                break;
            }
    }
    return out;
}

} // namespace luthier::importer
