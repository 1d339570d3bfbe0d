// Light and dark themes pass WCAG AA (issue 25, item 6): the contrast ratio of every text colour the workbench
// draws against the background it draws it on is at least 4.5:1 (3:1 for lines and outlines, WCAG 1.4.11), with
// the colours taken from where the widgets take them: the palette roles, the graph's edge and node items as they
// paint on the graph view, and the job list's selection. Both themes are checked, the light one after the dark,
// because switching back used to leave the Input node and the job rows dark.

#include "colour_map.h"
#include "document.h"
#include "graph_items.h"
#include "graph_view.h"
#include "jobs_panel.h"
#include "jobs_runner.h"
#include "main_window.h"
#include "theme.h"
#include "window_settled.h"

#include <QApplication>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QListWidget>
#include <QStandardPaths>
#include <QTest>
#include <cmath>

using namespace luthier::widgets;

using luthier::widgets::test::settled;

namespace {

const QString kExample = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");

// WCAG 2 relative luminance of an sRGB colour.
double luminance(const QColor& c)
{
    const auto linear = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

// A translucent foreground is seen blended over its background.
QColor over(const QColor& fg, const QColor& bg)
{
    const double a = fg.alphaF();
    return QColor::fromRgbF(float(fg.redF() * a + bg.redF() * (1 - a)), float(fg.greenF() * a + bg.greenF() * (1 - a)),
        float(fg.blueF() * a + bg.blueF() * (1 - a)));
}

double contrast(const QColor& fg, const QColor& bg)
{
    const double l1 = luminance(over(fg, bg)), l2 = luminance(bg);
    return (std::max(l1, l2) + 0.05) / (std::min(l1, l2) + 0.05);
}

QString describe(const char* what, const QColor& fg, const QColor& bg)
{
    return QStringLiteral("%1: %2 on %3 is %4:1")
        .arg(QLatin1String(what), fg.name(QColor::HexArgb), bg.name())
        .arg(contrast(fg, bg), 0, 'f', 2);
}

#define QVERIFY_CONTRAST(what, fg, bg, minimum)                                                                        \
    QVERIFY2(contrast(fg, bg) >= (minimum), qPrintable(describe(what, fg, bg)))

} // namespace

class TestTheme : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("LuthierTest"));
        QApplication::setApplicationName(QStringLiteral("test_theme"));
    }

    void everyTextAndEdgeIsReadableInBothThemes()
    {
        applyTheme(Theme::Light);
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        // A job row, selected, for the job list's colours.
        QVERIFY(w.jobs()->compile() != nullptr);

        for (Theme theme : { Theme::Dark, Theme::Light }) {
            applyTheme(theme);
            QTest::qWait(50);
            qInfo("%s theme", qPrintable(toString(theme)));
            const QPalette app = QApplication::palette();
            for (QPalette::ColorGroup g : { QPalette::Active, QPalette::Inactive }) {
                QVERIFY_CONTRAST(
                    "window text", app.color(g, QPalette::WindowText), app.color(g, QPalette::Window), 4.5);
                QVERIFY_CONTRAST("text", app.color(g, QPalette::Text), app.color(g, QPalette::Base), 4.5);
                QVERIFY_CONTRAST(
                    "text, alternate rows", app.color(g, QPalette::Text), app.color(g, QPalette::AlternateBase), 4.5);
                QVERIFY_CONTRAST(
                    "button text", app.color(g, QPalette::ButtonText), app.color(g, QPalette::Button), 4.5);
                QVERIFY_CONTRAST(
                    "selected text", app.color(g, QPalette::HighlightedText), app.color(g, QPalette::Highlight), 4.5);
                QVERIFY_CONTRAST(
                    "tool tip", app.color(g, QPalette::ToolTipText), app.color(g, QPalette::ToolTipBase), 4.5);
                QVERIFY_CONTRAST(
                    "placeholder", app.color(g, QPalette::PlaceholderText), app.color(g, QPalette::Base), 4.5);
                QVERIFY_CONTRAST("link", app.color(g, QPalette::Link), app.color(g, QPalette::Base), 4.5);
            }

            // The graph as its items paint on the view: edges and their shape labels, node titles on their fill,
            // the selected node's outline.
            const QWidget* viewport = w.graphView()->view()->viewport();
            const QPalette graph = viewport->palette();
            const QColor background = graph.color(viewport->backgroundRole());
            QCOMPARE(background, app.color(QPalette::Base));
            int edges = 0;
            for (QGraphicsItem* item : w.graphView()->view()->scene()->items())
                if (dynamic_cast<LayerEdgeItem*>(item)) {
                    QVERIFY_CONTRAST("graph edge and shape label", LayerEdgeItem::colour(graph), background, 4.5);
                    ++edges;
                }
            QCOMPARE(edges, 4);
            for (int i = 0; i < w.graphView()->nodeCount(); ++i) {
                const QColor fill = w.graphView()->node(i)->fill(graph);
                QVERIFY_CONTRAST("node title", textColourOn(fill), fill, 4.5);
            }
            QVERIFY_CONTRAST("selected node outline", graph.color(QPalette::Highlight), background, 3.0);
            // The Input layer has no LUT count: it takes the theme's button colour, also after switching back.
            QCOMPARE(w.graphView()->node(0)->fill(graph), app.color(QPalette::Button));

            // The job list: the selected row's tint and the texts on it.
            const auto* list = w.jobs()->findChild<QListWidget*>();
            QVERIFY(list && list->currentItem());
            const QPalette jobs = list->palette();
            QVERIFY_CONTRAST(
                "selected job title", jobs.color(QPalette::HighlightedText), jobs.color(QPalette::Highlight), 4.5);
            QWidget* row = list->itemWidget(list->currentItem());
            QVERIFY(row);
            QVERIFY_CONTRAST(
                "job row text", row->palette().color(QPalette::WindowText), jobs.color(QPalette::Highlight), 4.5);
            // The tint belongs to the theme shown: light under the light theme, dark under the dark one.
            QCOMPARE(luminance(jobs.color(QPalette::Highlight)) > 0.4, theme == Theme::Light);
            QCOMPARE(luminance(row->palette().color(QPalette::WindowText)) < 0.2, theme == Theme::Light);

            QVERIFY(w.grab().save(
                QStringLiteral(LUTHIER_BINARY_DIR "/screens/workbench_theme_%1.png").arg(toString(theme))));
        }
        w.jobs()->runner()->cancelAll();
    }
};

QTEST_MAIN(TestTheme)
#include "test_theme.moc"
