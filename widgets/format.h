#pragma once
// Text for numbers, shapes and bit-widths as every panel shows them.

#include "ir/quant_spec.h"
#include "ir/shape.h"

#include <QString>

namespace luthier::widgets {

QString shapeText(const ir::Shape& shape); // "1×28×28"; "scalar" for {}
QString groupedNumber(int64_t value); // "12 345" with a thin space
QString bitsText(int bits, ir::WeightScheme scheme); // "2 b", "3 b pow2", "float"

} // namespace luthier::widgets
