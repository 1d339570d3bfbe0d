#pragma once
// Learned LUT-Dense tables (HGQ-LUT, DESIGN.md section 5): a Dense layer whose products w * x are replaced by a
// trained function per (input, output) pair, stored as a table indexed by the input's hardware code:
//   real pre-activation of output o = scale[o] * sum_i T_oi[code_i] + bias[o]
// and then the layer's epilogue (activation, output quantiser) as in the model. The file format is
// docs/learned-tables.md (quant/learned_tables_io.h reads and writes it).

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::ir {

struct LearnedTables {
    int64_t outputs = 0, inputs = 0;
    int inputBits = 0; // every table has 2^inputBits entries, indexed by the input code (q - minInt; bipolar 0/1)
    std::vector<double> scale; // empty: the layer's own accumulator scale; else one value or one per output
    std::vector<int64_t> entries; // ((o * inputs + i) << inputBits) + code
    std::vector<uint8_t> present; // o * inputs + i: 0 for a pruned pair (no table, contributes 0)
    std::string layer; // the layer the document says it is for (may be empty)
    std::string origin; // the file or project key the tables came from, for messages

    int64_t entriesPerTable() const { return int64_t(1) << inputBits; }
    bool has(int64_t o, int64_t i) const { return present[size_t(o * inputs + i)] != 0; }
    const int64_t* table(int64_t o, int64_t i) const { return entries.data() + ((o * inputs + i) << inputBits); }
};

} // namespace luthier::ir
