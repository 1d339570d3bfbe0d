#pragma once
// Allocation of unique groups to LUT arrays and annealed routing (internal to the planner).

#include "arch/tlmac/plan.h"

namespace luthier::arch::tlmac {

// Fills plan.arrays, arrayOf, groupAt, laneArrays, laneUsesZero, wiresInitial/Final, annealMoves from
// plan.laneGroup and plan.clusterOfStep. Each cluster's group -> array map is injective by construction
// and stays so (moves swap two arrays' contents within one cluster). The final wire count is the best
// state seen, so it never exceeds the initial one.
void allocateArrays(TlmacPlan& plan, uint64_t seed, double effort, Progress* progress);

// Total multiplexer fan-in (distinct arrays per lane, summed) of the plan's current allocation.
int64_t countWires(const TlmacPlan& plan);

} // namespace luthier::arch::tlmac
