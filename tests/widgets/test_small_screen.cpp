// The workbench on a 1366x768 laptop screen (issue 25, item 5): the offscreen platform is given one screen of
// that size, the window is opened on the example and maximised, and then the status bar (LUT total, accuracy)
// must be on the screen and every dock, the graph and the status bar's cost label must have room to be used.
// Before, the window's minimum size was 1125x777, so maximised its bottom ran off the screen.

#include "document.h"
#include "graph_view.h"
#include "main_window.h"
#include "window_settled.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QScreen>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace luthier::widgets;

using luthier::widgets::test::settled;

namespace {

const QString kExample = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");

} // namespace

class TestSmallScreen : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("LuthierTest"));
        QApplication::setApplicationName(QStringLiteral("test_small_screen"));
        const QSize screen = QGuiApplication::primaryScreen()->size();
        QCOMPARE(screen, QSize(1366, 768));
    }

    void fitsALaptopScreen()
    {
        MainWindow w;
        QVERIFY(w.openPath(kExample));
        w.showMaximized();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QTest::qWait(200); // the maximised geometry and the layout after the results arrived

        const QRect screen = w.screen()->availableGeometry();
        const QSize minimum = w.minimumSizeHint();
        qInfo("minimum size %dx%d, window %dx%d on a %dx%d screen", minimum.width(), minimum.height(), w.width(),
            w.height(), screen.width(), screen.height());
        // Leaves room for a title bar and a panel on a real desktop.
        QVERIFY(minimum.width() <= 1366 && minimum.height() <= 768 - 70);

        // The whole window, status bar included, is on the screen.
        QVERIFY2(screen.contains(w.frameGeometry()), "the maximised window is larger than the screen");
        QStatusBar* status = w.statusBar();
        QVERIFY(status->isVisible());
        const QRect statusOnScreen(status->mapToGlobal(QPoint(0, 0)), status->size());
        QVERIFY(screen.contains(statusOnScreen));
        // The LUT total and the accuracy are not cut off.
        const auto labels = status->findChildren<QLabel*>();
        bool costShown = false;
        for (const QLabel* label : labels)
            if (label->text().contains(QStringLiteral("LUTs"))) {
                costShown = true;
                QVERIFY(label->isVisible());
                QVERIFY(label->width() >= label->sizeHint().width());
                QVERIFY(status->rect().contains(QRect(label->mapTo(status, QPoint(0, 0)), label->size())));
            }
        QVERIFY(costShown);

        // Every dock in view, and the graph, has room for its content (or scrolls to it).
        QVERIFY(w.graphView()->width() >= 300 && w.graphView()->height() >= 150);
        for (const QDockWidget* dock : w.findChildren<QDockWidget*>()) {
            if (dock->visibleRegion().isEmpty()) continue; // a tab behind another
            qInfo("%s: %dx%d", qPrintable(dock->objectName()), dock->width(), dock->height());
            QVERIFY2(dock->width() >= 250 && dock->height() >= 150, qPrintable(dock->objectName()));
            QVERIFY(dock->widget()->width() >= dock->widget()->minimumSizeHint().width());
            QVERIFY(dock->widget()->height() >= dock->widget()->minimumSizeHint().height());
        }

        const QString dir = QStringLiteral(LUTHIER_BINARY_DIR "/screens");
        QDir().mkpath(dir);
        QVERIFY(w.grab().save(dir + QStringLiteral("/workbench_1366x768.png")));
    }
};

// One offscreen screen of 1366x768 (Qt's offscreen platform reads its screens from a JSON file).
int main(int argc, char** argv)
{
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("screen.json")));
    if (!config.open(QIODevice::WriteOnly)
        || config.write(R"({"windowFrameMargins": true, "screens": [{"name": "laptop", "x": 0, "y": 0,
            "width": 1366, "height": 768, "logicalDpi": 96, "logicalBpp": 32, "dpr": 1}]})")
            < 0)
        return 2;
    config.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.fileName().toLocal8Bit());
    QApplication app(argc, argv);
    TestSmallScreen test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_small_screen.moc"
