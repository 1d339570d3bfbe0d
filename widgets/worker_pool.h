#pragma once
// The threads the workbench computes on in the background (import, analysis, explainer, graph layout, floorplan
// rendering, jobs), apart from Qt's global pool. Qt's own parallel image routines (smooth scaling, format
// conversion, used when a style draws a frame) split their work over the global pool and make the GUI thread wait
// for it: with an analysis and an explainer compile holding both of its threads, painting a group box waited about
// a second (issue 25).

#include <QThreadPool>

namespace luthier::widgets {

QThreadPool* workerPool();

// Called first by every task on the pool: the calling thread (and the threads it starts, such as
// util::parallelBlocks's) yields to the GUI thread. QThread::LowPriority does nothing for Linux's default
// scheduler; a niceness of 10 does, so a window over a compile still repaints and answers within 100 ms.
void lowerThreadPriority();

} // namespace luthier::widgets
