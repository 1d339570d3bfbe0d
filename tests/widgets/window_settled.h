#pragma once
// When a workbench window has finished what opening a model starts in the background: the graph layout, the
// statistics and the Explainer's compile. The widget suites wait for this before they look at the window.

#include "document.h"
#include "graph_view.h"
#include "main_window.h"

namespace luthier::widgets::test {

inline bool settled(const MainWindow& w)
{
    return !w.graphView()->layoutPending() && !w.document()->analysisRunning() && !w.explainerLoading();
}

} // namespace luthier::widgets::test
