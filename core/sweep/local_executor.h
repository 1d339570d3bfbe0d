#pragma once
// The default executor: a pool of N workers on this machine, each running one point at a time (runPoint, whose
// commands are child processes).

#include "point_run.h"

#include <functional>
#include <vector>

namespace luthier::sweep {

// The points a run starts: those without a record; with `rerunFailed` (resume) the failed ones too. Finished
// points are never run again.
std::vector<int> pointsToRun(const Plan& plan, bool rerunFailed);

using PointDone = std::function<void(const Point& point, PointState state)>;

// Runs the points `indices` on `jobs` workers; `done` is called (one call at a time) as each point ends. A point
// whose outputs cannot be read is recorded as failed, and the others go on. Throws Cancelled when `progress` is.
void runLocal(const Plan& plan, const std::vector<int>& indices, int jobs, Progress& progress, const PointDone& done);

} // namespace luthier::sweep
