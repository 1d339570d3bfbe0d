#pragma once
// Splits a batch of samples across std::thread workers in blocks. Each worker calls
// work(worker, begin, end) for consecutive blocks; the first exception is rethrown on the caller.

#include "util/progress.h"

#include <cstdint>
#include <functional>

namespace luthier::sim {

// threads <= 0: std::thread::hardware_concurrency(). Returns the number of workers used.
int workerCount(int threads, int64_t items);

void parallelBlocks(int64_t items, int64_t blockSize, int workers, Progress& progress, std::string_view message,
    const std::function<void(int worker, int64_t begin, int64_t end)>& work);

} // namespace luthier::sim
