#include "local_executor.h"

#include "util/parallel.h"

#include <mutex>

namespace luthier::sweep {

std::vector<int> pointsToRun(const Plan& plan, bool rerunFailed)
{
    std::vector<int> indices;
    for (const Point& p : plan.points) {
        const PointState s = pointState(plan, p);
        if (s == PointState::Unfinished || (rerunFailed && s == PointState::Failed)) indices.push_back(p.index);
    }
    return indices;
}

void runLocal(const Plan& plan, const std::vector<int>& indices, int jobs, Progress& progress, const PointDone& done)
{
    std::mutex mutex;
    util::parallelBlocks(int64_t(indices.size()), 1, util::workerCount(jobs, int64_t(indices.size())), progress,
        "sweeping", [&](int, int64_t i, int64_t) {
            const Point& point = plan.points.at(size_t(indices[size_t(i)]));
            PointState state;
            try {
                state = runPoint(plan, point, &progress);
            } catch (const Error& e) {
                markFailed(plan, point, e.what());
                state = PointState::Failed;
            }
            std::lock_guard lock(mutex);
            done(point, state);
        });
}

} // namespace luthier::sweep
