// Renders the workbench with the example project into PNGs for the documentation (docs/screenshots).
// Runs on the offscreen platform, so it needs no display: `luthier-screenshots OUTPUT_DIR`.

#include "document.h"
#include "graph_view.h"
#include "main_window.h"
#include "theme.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>
#include <QUndoStack>

#include <cstdio>
#include <functional>

using namespace luthier::widgets;

namespace {

// Processes events until `done` holds (or 60 s pass: then the picture would be wrong, so fail).
bool waitFor(const std::function<bool()>& done)
{
    QDeadlineTimer deadline(60000);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
    QApplication::processEvents();
    return true;
}

bool settled(const MainWindow& window)
{
    return !window.graphView()->layoutPending() && !window.document()->analysisRunning();
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
    if (!window.openPath(example))
        return 1;
    bool ok = shoot(window, out.filePath(QStringLiteral("workbench.png")));

    // An edit in flight: the second hidden layer at 1-bit weights, costs and accuracy recomputed.
    const luthier::ir::Graph* graph = window.document()->graph();
    int second = -1, seen = 0;
    for (size_t i = 0; i < graph->layers.size() && second < 0; ++i)
        if (luthier::ir::hasWeights(graph->layers[i].kind) && ++seen == 2)
            second = int(i);
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

    applyTheme(Theme::Dark);
    ok = shoot(window, out.filePath(QStringLiteral("workbench-dark.png"))) && ok;
    return ok ? 0 : 1;
}
