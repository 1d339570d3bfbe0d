// Renders the workbench with the example project into PNGs for the documentation (docs/screenshots).
// Runs on the offscreen platform, so it needs no display: `luthier-screenshots OUTPUT_DIR`.

#include "document.h"
#include "explainer_panel.h"
#include "floorplan_data.h"
#include "floorplan_panel.h"
#include "floorplan_pblocks.h"
#include "floorplan_view.h"
#include "graph_view.h"
#include "jobs_panel.h"
#include "jobs_runner.h"
#include "main_window.h"
#include "theme.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDockWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QUndoStack>
#include <cstdio>
#include <functional>

using namespace luthier::widgets;

namespace {

// Processes events until `done` holds (or the time passes: then the picture would be wrong, so fail).
bool waitFor(const std::function<bool()>& done, int timeoutMs = 60000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
    QApplication::processEvents();
    return true;
}

bool settled(const MainWindow& window)
{
    return !window.graphView()->layoutPending() && !window.document()->analysisRunning() && !window.explainerLoading();
}

// Runs a job of the jobs dock to the end; the screenshots show its real result.
bool runJob(Job* job)
{
    if (!job || !waitFor([job] { return job->finished(); }, 600000)) {
        std::fprintf(stderr, "job %s did not finish\n", job ? qPrintable(job->title()) : "(not started)");
        return false;
    }
    std::printf("%s: %s\n", qPrintable(job->title()), qPrintable(job->summary()));
    return job->state() == JobState::Succeeded;
}

void raiseDock(MainWindow& window, const char* name)
{
    window.findChild<QDockWidget*>(QString::fromLatin1(name))->raise();
}

bool shoot(MainWindow& window, const QString& path)
{
    if (!waitFor([&] { return settled(window); })) {
        std::fprintf(stderr, "timed out waiting for layout and analysis before %s\n", qPrintable(path));
        return false;
    }
    window.graphView()->fitToView();
    QApplication::processEvents();
    if (!window.grab().save(path)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return false;
    }
    std::printf("wrote %s\n", qPrintable(path));
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    // Screenshots must not depend on (or change) the user's saved window layout and recent files.
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setApplicationName(QStringLiteral("Luthier"));
    QApplication::setOrganizationName(QStringLiteral("Luthier"));
    if (argc != 2) {
        std::fprintf(stderr, "usage: luthier-screenshots OUTPUT_DIR\n");
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    QDir().mkpath(out.path());
    const QString example = MainWindow::examplePath();
    if (example.isEmpty()) {
        std::fprintf(stderr, "the example project was not found\n");
        return 1;
    }

    applyTheme(Theme::Light);
    MainWindow window;
    window.resize(1600, 1000);
    window.show();
    if (!window.openPath(example)) return 1;
    bool ok = shoot(window, out.filePath(QStringLiteral("workbench.png")));

    // An edit in flight: the second hidden layer at 1-bit weights, costs and accuracy recomputed.
    const luthier::ir::Graph* graph = window.document()->graph();
    int second = -1, seen = 0;
    for (size_t i = 0; i < graph->layers.size() && second < 0; ++i)
        if (luthier::ir::hasWeights(graph->layers[i].kind) && ++seen == 2) second = int(i);
    if (second >= 0) {
        window.selectLayer(second);
        luthier::quant::LayerOverride o = window.document()->layerOverride(second);
        o.weightBits = 1;
        window.document()->editLayerOverride(second, o, QStringLiteral("weight bits = 1"));
        window.graphView()->setMetric(Metric::WeightBits);
        ok = shoot(window, out.filePath(QStringLiteral("workbench-edit.png"))) && ok;
        window.document()->undoStack()->undo();
        window.graphView()->setMetric(Metric::Luts);
    }

    // Compile, verify, synthesise and place through the jobs dock (the build goes to a scratch folder, not
    // beside the example), then show the floorplan with its heatmap and the explainer on the first layer.
    QTemporaryDir work;
    window.jobs()->setWorkDirectory(work.path());
    ok = runJob(window.jobs()->compile()) && ok;
    ok = runJob(window.jobs()->verify()) && ok;
    ok = runJob(window.jobs()->synthesise()) && ok;
    ok = shoot(window, out.filePath(QStringLiteral("workbench-synth.png"))) && ok;
    ok = runJob(window.jobs()->place()) && ok;
    raiseDock(window, "floorplanDock");

    // A pblock for the first layer, then place again: its units move in.
    int first = -1;
    for (size_t i = 0; i < graph->layers.size() && first < 0; ++i)
        if (luthier::ir::hasWeights(graph->layers[i].kind)) first = int(i);
    window.selectLayer(first);
    const std::string firstName = graph->layers[size_t(first)].name;
    if (const auto data = window.floorplan()->view()->data(); data && data->netlist) {
        // The device's left columns, full height, widened until the layer fits with slack (units are placed
        // whole, so a region filled to the brim fragments).
        luthier::project::TileRect r { 0, 0, 5, data->device->height() - 1 };
        PblockModel* pblocks = window.floorplan()->pblocks();
        for (; r.col1 < data->device->width() - 1; r.col1 += 2) {
            pblocks->editPblock(firstName, r, QStringLiteral("pblock for %1").arg(QString::fromStdString(firstName)));
            const PblockStatus st = pblocks->status(firstName);
            if (st.valid && st.capacity.luts >= st.demand.luts * 2) break;
        }
        ok = runJob(window.jobs()->place()) && ok;
    }
    ok = shoot(window, out.filePath(QStringLiteral("workbench-floorplan.png"))) && ok;
    raiseDock(window, "explainerDock");
    if (!waitFor([&] { return settled(window) && window.explainer()->source(); })) return 1;
    window.explainer()->setPosition(window.explainer()->lookupCount());
    ok = shoot(window, out.filePath(QStringLiteral("workbench-explainer.png"))) && ok;
    raiseDock(window, "statisticsDock");

    applyTheme(Theme::Dark);
    ok = shoot(window, out.filePath(QStringLiteral("workbench-dark.png"))) && ok;
    return ok ? 0 : 1;
}
