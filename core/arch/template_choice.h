#pragma once
// `--template auto`: per layer, the cheapest template (estimated LUTs) whose datapath accepts a new input every
// `initiationInterval` cycles or faster, chosen from the cost models the mappers compute. For a convolution
// the interval is that of its per-position datapath: the window a conv unit reads once per output position.

#include "arch/hw_design.h"

#include <cstdint>
#include <functional>
#include <string>

namespace luthier::arch {

// Maps `hw` on every candidate template with `mapOn` (which reads hw.kind), keeps the cheapest that meets
// `initiationInterval` (0: any interval; ties go to fewer flip-flops, then to the earlier template) and returns
// the sentence saying why, naming every other candidate's cost or why it was left out. Throws luthier::Error
// naming `label` when no template meets the interval.
std::string mapCheapestTemplate(
    HwLayer& hw, const std::function<void(HwLayer&)>& mapOn, int64_t initiationInterval, const std::string& label);

} // namespace luthier::arch
