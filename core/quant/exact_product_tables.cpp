#include "quant/exact_product_tables.h"

#include "quant/learned_tables_io.h"
#include "util/error.h"

#include <string>

namespace luthier::quant {

ir::LearnedTables exactProductTables(const IntGraph& ints, int index)
{
    if (index < 0 || index >= int(ints.layers.size()))
        throw Error("exact product tables: layer " + std::to_string(index) + " does not exist");
    const IntLayer& l = ints.layers[size_t(index)];
    const std::string name = ints.source ? ints.source->layers[size_t(l.source)].name : std::to_string(index);
    if (l.kind != ir::LayerKind::Dense || l.weightShape.size() != 2)
        throw Error("layer '" + name + "' is not a Dense layer: only Dense layers take LUT-Dense tables");
    const IntFormat* in = ints.layers[size_t(l.inputs.at(0))].outFormat();
    if (!in)
        throw Error("layer '" + name + "': its input is not quantised, so there are no input codes to index tables");
    ir::LearnedTables t;
    t.origin = "the exact products of layer '" + name + "'";
    t.layer = name;
    t.outputs = l.weightShape[0];
    t.inputs = l.weightShape[1];
    t.inputBits = in->codeBits();
    if (double(t.outputs) * double(t.inputs) * double(t.entriesPerTable()) > double(kMaxLearnedTableEntries))
        throw Error("layer '" + name + "': " + std::to_string(t.outputs) + " x " + std::to_string(t.inputs)
            + " tables of 2^" + std::to_string(t.inputBits) + " entries are more than the limit of 2^24 entries");
    t.scale = l.accScale;
    t.entries.assign(size_t((t.outputs * t.inputs) << t.inputBits), 0);
    t.present.assign(size_t(t.outputs * t.inputs), 0);
    for (int64_t o = 0; o < t.outputs; ++o)
        for (int64_t i = 0; i < t.inputs; ++i) {
            const int64_t w = l.weights[size_t(o * t.inputs + i)];
            if (w == 0) continue;
            t.present[size_t(o * t.inputs + i)] = 1;
            int64_t* table = t.entries.data() + ((o * t.inputs + i) << t.inputBits);
            for (int64_t c = 0; c < t.entriesPerTable(); ++c)
                table[c] = w * (in->valueOf(uint64_t(c)) - l.padValue);
        }
    return t;
}

} // namespace luthier::quant
