#pragma once
// Synthetic TLMAC designs of a chosen size, for placement tests and benchmarks when no compiled model of
// that size is at hand. The structure mirrors what the TLMAC compiler emits (arrays, per-lane multiplexers
// over random arrays, accumulators, cluster / routing / threshold ROMs); the sizes come from the spec.

#include "arch/hw_design.h"

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::place {

struct SyntheticLayer {
    std::string name;
    int arrays = 64; // N_arr; 0 (with lanes 0): no TLMAC structures, an empty layer the caller fills
    int lanes = 64; // multiplexers (D_p)
    int minFanIn = 8, maxFanIn = 16; // arrays per multiplexer, uniform in this range
    int64_t steps = 64; // D_s: depth of the cluster and routing ROMs
    int lutWidth = 5; // N_lut
    int accBits = 20;
    int outputBits = 3;
};

struct SyntheticSpec {
    std::vector<SyntheticLayer> layers; // a chain: layer i reads layer i-1
    int lutInputs = 6;
    int groupSize = 3;
    uint64_t seed = 1;
};

// ResNet-18 at 3-bit weights as TLMAC maps it (docs/papers.md): 64 output channels x 3 kernel rows = 192
// lanes per layer, D_s = D_in * D_out * 9 / (64 * 3 * 3) steps, about 480 arrays per layer (the
// layer1.0.conv1 sanity point: 479 arrays, multiplexers of 29..47 inputs), 20 convolutions + the classifier.
SyntheticSpec resnet18Spec();

// A chain of `layers` small layers (for fast tests).
SyntheticSpec smallSpec(int layers, int arrays, int lanes, uint64_t seed);

// The design: per lane a multiplexer over distinct random arrays (deterministic for spec.seed), estimates
// per component (multiplexer: width * ceil(fanIn / 4) LUT6; accumulator: accBits LUT + FF), ROMs in BRAM.
arch::HwDesign syntheticDesign(const SyntheticSpec& spec);

} // namespace luthier::place
