#pragma once
// Running one point of a sweep, the same code whichever executor started it: each command of the point runs as
// a child process (the plan's luthier-cli), standard output to the command's JSON file, everything else to
// logs/STEP.log, and the point ends with exactly one record written atomically: result.json when every command
// succeeded (the numbers the report shows), failure.json naming the step that failed otherwise. A point killed
// half-way leaves neither, so it counts as unfinished; nothing half-written is ever read as a result.

#include "sweep_plan.h"
#include "util/progress.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace luthier::sweep {

enum class PointState { Unfinished, Failed, Finished };

PointState pointState(const Plan& plan, const Point& point);

// The record of a finished point (result.json), or nothing.
std::optional<nlohmann::json> pointResult(const Plan& plan, const Point& point);
// The record of a failed point (failure.json), or nothing.
std::optional<nlohmann::json> pointFailure(const Plan& plan, const Point& point);

// Runs `point` from scratch (an earlier failure record is removed first) and returns its state, Finished or
// Failed. Throws Cancelled when `progress` is cancelled: the running command is stopped and no record written.
PointState runPoint(const Plan& plan, const Point& point, Progress* progress = nullptr);

// Records that `point` failed outside its own commands (a Slurm task that ended without a record).
void markFailed(const Plan& plan, const Point& point, const std::string& reason);

} // namespace luthier::sweep
