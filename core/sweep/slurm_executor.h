#pragma once
// The Slurm executor. Luthier does not schedule anything itself: the points go to the cluster as ONE job array
// (`sbatch --array=...`, task i runs `luthier-cli sweep point DIR i`), squeue says when the array has left the
// queue, and the points' own records say what finished. A task that ended without a record (killed, node lost,
// out of time) is marked failed, so `sweep resume` submits it again. Assumes DIR and luthier-cli are on a file
// system every node sees (docs/sweeps.md).
//
//   DIR/slurm/array.sh      the batch script of every array (starts with #!, as sbatch requires)
//   DIR/slurm/jobs.json     every array submitted for this sweep: job id and point indices
//   DIR/slurm/JOB_TASK.out  each task's standard output and error

#include "local_executor.h"

#include <chrono>
#include <string>
#include <vector>

namespace luthier::sweep {

struct SlurmOptions {
    std::string partition, time, mem, account; // empty: the cluster's defaults
    int cpusPerTask = 1;
    int maxRunning = 0; // tasks of the array running at once (--array=...%N), to share a cluster; 0: no limit
    std::chrono::milliseconds poll { 5000 }; // between two squeue calls
};

// "0-3,5,7-8": the --array value for these indices (sorted, distinct).
std::string arraySpec(const std::vector<int>& indices);

// Submits `indices` as one job array (removing their failure records first), records it in DIR/slurm/jobs.json and
// returns the job id. Throws Error with sbatch's message when the submission fails (no sbatch, no such partition, ...).
std::string submitArray(const Plan& plan, const std::vector<int>& indices, const SlurmOptions& options);

// Follows job `jobId` with squeue until it has left the queue, calling `done` as each of `indices` gets a record,
// then marks the points still without one as failed. Throws Cancelled when `progress` is (the job keeps running).
void followArray(const Plan& plan, const std::string& jobId, const std::vector<int>& indices,
    const SlurmOptions& options, Progress& progress, const PointDone& done);

// The arrays this sweep submitted that squeue still lists (queued, running or completing).
std::vector<std::string> liveArrays(const Plan& plan);

// Cancels every array this sweep submitted that is still queued or running, and waits until squeue no longer
// lists them, so that no old task runs a point beside its resubmission. Returns the job ids it cancelled.
std::vector<std::string> cancelArrays(const Plan& plan, const SlurmOptions& options, Progress& progress);

} // namespace luthier::sweep
