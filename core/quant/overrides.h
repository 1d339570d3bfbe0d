#pragma once
// Per-layer user choices that change the network (DESIGN.md section 2): stored in the project file,
// applied by applyOverrides() which re-quantises from the model's float weights.

#include "ir/graph.h"
#include "ir/quant_spec.h"
#include "ir/template_kind.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace luthier::quant {

struct LayerOverride {
    std::optional<int> weightBits;
    std::optional<int> activationBits;
    std::optional<ir::WeightScheme> weightScheme;
    std::optional<ir::TemplateKind> templateKind;
    std::optional<int> groupSize;
    // Learned LUT-Dense tables replacing the layer's products (Dense only; docs/learned-tables.md), and the file
    // they were read from (absolute; empty when the project holds them inline).
    std::shared_ptr<const ir::LearnedTables> tables;
    std::string tablesFile;

    bool empty() const
    {
        return !weightBits && !activationBits && !weightScheme && !templateKind && !groupSize && !tables;
    }
};

// Sets every field `from` sets (later choices win).
void mergeOverride(LayerOverride& into, const LayerOverride& from);

// Keyed by ir::Layer::name (raw model text).
using Overrides = std::map<std::string, LayerOverride>;

// The key that stands for every Dense/Conv layer in command-line assignments (`*.wbits=4`).
inline constexpr const char* kAllLayers = "*";

// Parses assignments `LAYER.KEY=VALUE` (the layer name may contain dots: the key is after the last one) with
// keys wbits, abits, scheme (uniform|pow2), template (tlmac|unrolled|lutdense|shiftadd|lutna|dsp), group,
// tables (a learned-tables .json file, read here).
// Later assignments win. Throws luthier::Error quoting the bad assignment.
Overrides parseAssignments(const std::vector<std::string>& assignments);

// Replaces the `*` entry by one entry per Dense/Conv layer (explicit entries win field by field) and checks
// that every named layer exists (the error lists the layer names). abits on `*` goes to each weight layer's
// input producer, so it also sets the model input's quantiser (a float model input stays as the lowering
// quantises it unless named explicitly).
Overrides expandOverrides(const ir::Graph& graph, const Overrides& overrides);

// The layer whose output quantiser sets the activations entering layer `index`: its first input, followed back
// through layers that only move values (Flatten, Reshape, Transpose, MaxPool, Resize) while they have no
// quantiser of their own. -1 when the layer has no input.
int activationProducer(const ir::Graph& graph, int index);

enum class ScaleGranularity {
    Keep, // as the model had it (per channel for float weights)
    PerChannel, // one max-abs scale per output channel
    PerTensor,
};

struct ApplyOptions {
    ScaleGranularity granularity = ScaleGranularity::Keep;
    // Output range per layer (index into Graph::layers) measured on calibration data, for layers that get an
    // activation quantiser where the model has none (post-training quantisation of float models).
    std::map<int, std::pair<double, double>> calibratedRanges;
};

// A copy of `graph` with the overrides applied (call it on the imported graph, never on an overridden one):
//  - weight bits / scheme re-quantise the model's FLOAT weights (never the already quantised integers):
//    uniform: symmetric narrow range, scale = max|w| / (2^(b-1) - 1) per channel or per tensor (1 bit:
//    bipolar with scale mean|w|); pow2: n-BQ-NN levels (see powerOfTwoLevel), the weights replaced by their
//    projection and held as integers sign*2^e on the scale max|w| * 2^-(r-1);
//  - activation bits change the layer's output quantiser keeping its real range, or add one from
//    `calibratedRanges`; the lowering then recomputes the thresholds;
//  - learned tables replace a Dense layer's products (ir::Layer::learnedTables; the document's "layer", when
//    given, must be this layer);
//  - template and group size do not change the network (the analysis reads them).
// Throws luthier::Error naming the layer when an override cannot be applied.
ir::Graph applyOverrides(const ir::Graph& graph, const Overrides& overrides, const ApplyOptions& options = {});

// n-BQ-NN level of t = |w| / max|w| for n-bit power-of-two weights (r = 2^(n-1) - 1 non-zero magnitudes
// 2^0 .. 2^-(r-1)): the official 3-bit thresholds (t < 0.02 -> 0, < 0.07 -> 1/4, < 0.14 -> 1/2, else 1)
// generalised as t >= 0.14 * 2^-k -> 2^-k for k < r - 1, t >= 0.08 * 2^-(r-1) -> 2^-(r-1), else 0.
// Returns the exponent k, or -1 for zero.
int powerOfTwoLevel(double t, int bits);

// Bits of the signed integer container of n-bit power-of-two weights: their integers reach 2^(r-1).
int powerOfTwoContainerBits(int bits);

} // namespace luthier::quant
