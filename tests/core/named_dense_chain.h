#pragma once
// A three-layer integer Dense chain (4 -> 4 -> 4 -> 4, 2-bit codes, fixed weights and thresholds) whose model and
// layers carry names the test chooses: what the name-sanitising tests feed the mapper and the emitter.

#include "ir/graph.h"
#include "quant/int_graph.h"

#include <array>
#include <string>

namespace luthier::test {

struct NamedDenseChain {
    ir::Graph source;
    quant::IntGraph ints; // ints.source points at `source`: the chain is not copied or moved

    NamedDenseChain(std::string model, const std::array<const char*, 4>& layerNames)
    {
        source.name = std::move(model);
        for (const char* name : layerNames) {
            ir::Layer l;
            l.name = name;
            source.layers.push_back(l);
        }
        ints.source = &source;
        ints.inputFormat.bits = 2;
        ints.inputFormat.isSigned = false;
        ints.inputFormat.minInt = 0;
        ints.inputFormat.maxInt = 3;
        quant::IntLayer input;
        input.kind = ir::LayerKind::Input;
        input.source = 0;
        input.outShape = { 4 };
        ints.layers.push_back(input);
        for (int i = 1; i <= 3; ++i) {
            quant::IntLayer d;
            d.kind = ir::LayerKind::Dense;
            d.source = i;
            d.inputs = { i - 1 };
            d.outShape = { 4 };
            d.weightShape = { 4, 4 };
            d.weightBits = 2;
            d.weights = { 1, -1, 0, 1, 0, 1, 1, -2, 1, 1, 1, 1, -2, 0, 0, 1 };
            if (i < 3) {
                quant::Thresholds t;
                t.out = ints.inputFormat;
                for (int c = 0; c < 4; ++c) {
                    t.direction.push_back(1);
                    t.levels.push_back({ -1, 0, 2 });
                }
                d.requant = t;
            }
            ints.layers.push_back(d);
        }
        ints.outputs = { 3 };
    }
    NamedDenseChain(const NamedDenseChain&) = delete;
    NamedDenseChain& operator=(const NamedDenseChain&) = delete;
};

} // namespace luthier::test
