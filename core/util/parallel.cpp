#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace luthier::util {

int workerCount(int threads, int64_t items)
{
    int n = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    return int(std::max<int64_t>(1, std::min<int64_t>(n, items)));
}

void parallelBlocks(int64_t items, int64_t blockSize, int workers, Progress& progress, std::string_view message,
    const std::function<void(int, int64_t, int64_t)>& work)
{
    blockSize = std::max<int64_t>(1, blockSize);
    const int64_t blocks = (items + blockSize - 1) / blockSize;
    std::atomic<int64_t> next { 0 }, done { 0 };
    std::atomic<bool> failed { false }; // read by every worker between blocks; `error` only under the mutex
    std::exception_ptr error;
    std::mutex errorMutex;
    auto run = [&](int worker) {
        try {
            for (int64_t b; (b = next.fetch_add(1)) < blocks;) {
                if (progress.cancelled() || failed.load()) return;
                work(worker, b * blockSize, std::min(items, (b + 1) * blockSize));
                const int64_t finished = done.fetch_add(1) + 1;
                if (worker == 0) progress.report(double(finished) / double(blocks), message);
            }
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
            failed.store(true);
        }
    };
    std::vector<std::thread> pool;
    for (int w = 1; w < workers; ++w) {
        try {
            pool.emplace_back(run, w);
        } catch (const std::system_error&) {
            break; // out of threads (ulimit -u, memory): the workers already running and the caller share the work
        }
    }
    run(0);
    for (std::thread& t : pool)
        t.join();
    if (error) std::rethrow_exception(error);
    progress.checkpoint();
}

} // namespace luthier::util
