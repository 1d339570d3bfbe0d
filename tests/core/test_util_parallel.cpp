// The one parallel loop (util/parallel.h) and the error classes it carries: every item runs once; the first
// exception reaches the caller and stops the other workers; cancel throws Cancelled, which no handler of Error
// catches; a thread the system refuses to start (here: an address-space limit too small for 512 thread stacks,
// as `--threads 512` met on a loaded machine) leaves the loop running on fewer threads instead of aborting.

#include "util/error.h"
#include "util/parallel.h"

#include <QTest>
#include <atomic>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace luthier;

class TestUtilParallel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyItemRunsOnce()
    {
        std::vector<std::atomic<int>> seen(1000);
        Progress progress;
        util::parallelBlocks(1000, 7, 4, progress, "items", [&](int worker, int64_t begin, int64_t end) {
            QVERIFY(worker >= 0 && worker < 4);
            for (int64_t i = begin; i < end; ++i)
                seen[size_t(i)]++;
        });
        for (const auto& s : seen)
            QCOMPARE(s.load(), 1);
        QCOMPARE(util::workerCount(0, 1), 1); // never more workers than items
        QCOMPARE(util::workerCount(8, 3), 3);
        QCOMPARE(util::workerCount(-5, 100) >= 1, true);
    }

    void theFirstErrorReachesTheCallerAndStopsTheRest()
    {
        std::atomic<int64_t> ran { 0 };
        Progress progress;
        bool caught = false;
        try {
            util::parallelBlocks(100000, 1, 2, progress, "items", [&](int, int64_t begin, int64_t) {
                ++ran;
                if (begin == 10) throw Error("item 10 is bad");
            });
        } catch (const Error& e) {
            caught = QByteArray(e.what()) == "item 10 is bad";
        }
        QVERIFY(caught);
        QVERIFY2(ran.load() < 100000, "workers kept going after an error");
    }

    void cancelIsNotAnError()
    {
        Progress progress;
        progress.cancel();
        bool caughtAsError = false, caughtAsCancelled = false;
        try {
            try {
                util::parallelBlocks(10, 1, 2, progress, "items", [](int, int64_t, int64_t) {});
            } catch (const Error&) {
                caughtAsError = true;
            }
        } catch (const Cancelled&) {
            caughtAsCancelled = true;
        }
        QVERIFY(!caughtAsError);
        QVERIFY(caughtAsCancelled);
    }

    void anAssertionIsAnInternalErrorNotBadInput()
    {
        bool internal = false;
        try {
            LUTHIER_ASSERT(1 + 1 == 3);
        } catch (const Error&) {
            QFAIL("an assertion must not look like bad input");
        } catch (const InternalError& e) {
            internal = QByteArray(e.what()).contains("assertion failed: 1 + 1 == 3");
        }
        QVERIFY(internal);
        LUTHIER_ASSERT(1 + 1 == 2); // holds: no throw
    }

    void refusedThreadsDoNotAbort()
    {
#ifdef __SANITIZE_ADDRESS__
        QSKIP("AddressSanitizer's allocator needs the address space this test takes away, and aborts instead");
#endif
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // 512 default 8 MiB thread stacks need 4 GiB of address space; allow this process 1 GiB more than it has.
            rlimit limit {};
            getrlimit(RLIMIT_AS, &limit);
            FILE* f = std::fopen("/proc/self/statm", "r");
            unsigned long pages = 0;
            if (!f || std::fscanf(f, "%lu", &pages) != 1) _exit(3);
            std::fclose(f);
            limit.rlim_cur = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE)) + (rlim_t(1) << 30);
            if (setrlimit(RLIMIT_AS, &limit) != 0) _exit(4);
            std::atomic<int64_t> sum { 0 };
            Progress progress;
            try {
                util::parallelBlocks(
                    4096, 1, 512, progress, "items", [&](int, int64_t begin, int64_t) { sum += begin; });
            } catch (...) {
                _exit(5);
            }
            _exit(sum.load() == int64_t(4096) * 4095 / 2 ? 0 : 6);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(!WIFSIGNALED(status), qPrintable(QStringLiteral("killed by signal %1").arg(WTERMSIG(status))));
        QCOMPARE(WEXITSTATUS(status), 0);
    }
};

QTEST_GUILESS_MAIN(TestUtilParallel)
#include "test_util_parallel.moc"
