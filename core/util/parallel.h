#pragma once
// The one parallel loop of the project: splits [0, items) into blocks and runs them on std::thread workers,
// the calling thread being worker 0. Used by the golden model (samples), explore (configurations) and synth
// (layers). The first exception any block throws is rethrown on the caller once every worker has stopped;
// cancellation (Progress) stops the loop between blocks and throws Cancelled.

#include "util/progress.h"

#include <cstdint>
#include <functional>
#include <string_view>

namespace luthier::util {

// threads <= 0: std::thread::hardware_concurrency(). Never more workers than items, never fewer than one.
int workerCount(int threads, int64_t items);

// work(worker, begin, end) for consecutive blocks of blockSize items; worker is in [0, workers). When the system
// cannot start as many threads as asked, the loop runs on those it could start (at least the caller).
// Progress is reported from the calling thread only, as the fraction of blocks done, with `message`.
void parallelBlocks(int64_t items, int64_t blockSize, int workers, Progress& progress, std::string_view message,
    const std::function<void(int worker, int64_t begin, int64_t end)>& work);

} // namespace luthier::util
