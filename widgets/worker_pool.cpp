#include "worker_pool.h"

#include <QCoreApplication>
#include <QThread>
#include <algorithm>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif

namespace luthier::widgets {

QThreadPool* workerPool()
{
    static QThreadPool* pool = [] {
        // Deleted with the application, which waits for running tasks, as Qt's global pool does.
        auto* p = new QThreadPool(QCoreApplication::instance());
        // Every long task at once (open, analysis, explainer, layout, render, jobs), so a quick graph layout is
        // not queued behind a minute-long compile.
        p->setMaxThreadCount(std::max(QThread::idealThreadCount(), 6));
        return p;
    }();
    return pool;
}

void lowerThreadPriority()
{
#ifdef Q_OS_LINUX
    // Linux keeps a niceness per thread; 0 is this thread.
    setpriority(PRIO_PROCESS, 0, std::max(10, getpriority(PRIO_PROCESS, 0)));
#endif
}

} // namespace luthier::widgets
