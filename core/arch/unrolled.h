#pragma once
// The unrolled template's products (DESIGN.md section 5, "Unrolled"): each output's weights are cut into groups
// of G consecutive inputs (input slice j); within a slice identical weight groups are interned, so each
// (input slice, unique group) product is computed once and shared by every output that uses it. A product is a
// lookup table on the G input codes: one table on all G * B_a code bits when that is cheaper, else one G-bit
// table per bit-plane whose outputs are shift-added.

#include "arch/hw_design.h"

#include <cstdint>
#include <vector>

namespace luthier::arch {

struct UnrolledProducts {
    int groupSize = 3; // G
    int64_t slices = 0; // ceil(inputs / G)
    std::vector<std::vector<std::vector<int32_t>>> unique; // per slice: its unique non-zero groups (G weights)
    std::vector<int32_t> groupOf; // outputs x slices: index into unique[slice], -1 for the all-zero group
    bool fullTables = false; // address = all G codes; else per bit-plane tables
    int64_t tableLuts = 0; // first-order LUT-K of the chosen form (tables, plane shift-adds): picks the form
                           // only; the layer estimate counts what Yosys builds (map_unrolled.cpp)

    int64_t products() const;
};

// Interns the groups of `d` and picks the table form by LUT cost on LUT-`lutInputs`.
UnrolledProducts unrolledProducts(const DenseDatapath& d, int lutInputs);

// The range [lo, hi] of sum_g w_g * code_g over unsigned codes of `inputBits`.
std::pair<int64_t, int64_t> groupRange(const std::vector<int32_t>& group, int inputBits);

// The table of sum_g w_g * code_g over every address: G codes of `codeBits` packed in the address (code g in
// bits [g * codeBits, (g + 1) * codeBits)).
std::vector<int64_t> groupTableEntries(const std::vector<int32_t>& group, int codeBits);

} // namespace luthier::arch
