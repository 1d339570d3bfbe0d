#pragma once
// Constant tensors during import: initializers, Constant nodes and folded sub-graphs. Values are held as
// double (exact for every integer and float type ONNX models use here). A constant that went through a
// quantiser remembers the quantiser and its float input, so weight overrides can re-quantise later.

#include "ir/quant_spec.h"
#include "ir/shape.h"

#include <onnx/onnx_pb.h>
#include <optional>
#include <string>
#include <vector>

namespace luthier::importer {

struct ConstTensor {
    ir::Shape shape; // full ONNX shape (no batch stripping)
    std::vector<double> values; // effective values (dequantised when `quant` is set)
    std::vector<double> raw; // float values before the quantiser (same layout); empty when not quantised
    std::optional<ir::QuantSpec> quant; // quantiser applied to `raw`; its axis refers to this tensor's axes
    bool isInteger = false; // came from an integer ONNX type (for QuantizeLinear outputs etc.)
    int elemType = onnx::TensorProto::FLOAT;

    int64_t size() const { return int64_t(values.size()); }
    double scalar() const; // the single value; throws if not exactly one element
};

// Converts an ONNX TensorProto, enforcing an element budget. `where` names the tensor in errors.
ConstTensor fromTensorProto(const onnx::TensorProto& proto, int64_t maxElements, const std::string& where);

// One entry of a shape-like constant (a Reshape target) as an integer; nullopt when the value is not a whole
// number or lies beyond +-2^53, where doubles stop holding integers exactly (and a cast beyond int64 would be
// undefined).
std::optional<int64_t> exactInteger(double value);

// Along which axis of `shape` does a broadcastable constant of shape `constShape` vary?
// Returns -1 when it is a scalar (all broadcast), the axis when exactly one dimension > 1 lines up;
// std::nullopt when it varies along several axes or does not broadcast.
std::optional<int> varyingAxis(const ir::Shape& constShape, const ir::Shape& shape);

// Transpose a constant (values, raw and the quantiser axis) by ONNX perm.
ConstTensor transposed(const ConstTensor& t, const std::vector<int64_t>& perm);

} // namespace luthier::importer
