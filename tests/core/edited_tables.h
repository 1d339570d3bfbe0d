#pragma once
// Learned tables for tests that no weight matrix can express: a non-linear edit of a layer's exact-product tables.

#include "ir/learned_tables.h"

#include <cstdlib>

namespace luthier::test {

// g(v) = 2 sign(v) v^2 plus an offset that depends on the code and the output, and some pruned pairs given a
// table (so pruning is undone too).
inline ir::LearnedTables editedTables(ir::LearnedTables t)
{
    for (int64_t o = 0; o < t.outputs; ++o)
        for (int64_t i = 0; i < t.inputs; ++i) {
            int64_t* table = t.entries.data() + ((o * t.inputs + i) << t.inputBits);
            if (!t.has(o, i)) {
                if ((o + i) % 7 == 0) {
                    t.present[size_t(o * t.inputs + i)] = 1;
                    table[1] = 1;
                }
                continue;
            }
            for (int64_t c = 0; c < t.entriesPerTable(); ++c)
                table[c] = 2 * table[c] * std::abs(table[c]) + (c + o) % 3;
        }
    t.origin = "the test's edited tables";
    return t;
}

} // namespace luthier::test
