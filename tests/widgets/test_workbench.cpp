// The workbench end to end on the bundled example project (TFC_2W2A + 300 MNIST digits), offscreen:
// opening, the layer graph, selection, undoable edits that change the cost estimate, save/load, item
// model invariants, learned tables from a project file, the error path for a corrupt project file, the docked
// floorplan/jobs/explainer following the selection, and Vivado's numbers read back from a utilisation report into
// the layer table.

#include "cost_table_model.h"
#include "document.h"
#include "explainer_model.h"
#include "explainer_panel.h"
#include "floorplan_panel.h"
#include "floorplan_view.h"
#include "format.h"
#include "graph_items.h"
#include "graph_view.h"
#include "job_wait.h"
#include "jobs_panel.h"
#include "jobs_runner.h"
#include "layer_inspector.h"
#include "layer_table_model.h"
#include "main_window.h"
#include "onnx/importer.h"
#include "quant/exact_product_tables.h"
#include "quant/learned_tables_io.h"
#include "quant/lower.h"
#include "window_settled.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGraphicsView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace luthier;
using namespace luthier::widgets;

using luthier::widgets::test::settled;

namespace {

const QString kExample = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");
const QString kExampleModel = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/TFC_2W2A.onnx");

// The first layer with weights after `skip` others (TFC: the dense layers in model order).
int denseLayer(const MainWindow& w, int skip)
{
    const ir::Graph* g = w.document()->graph();
    for (size_t i = 0; i < g->layers.size(); ++i)
        if (ir::hasWeights(g->layers[i].kind) && skip-- == 0) return int(i);
    return -1;
}

int64_t assignedLuts(const MainWindow& w, int layer)
{
    const auto& layers = w.document()->analysis().layers;
    const TemplateCost* c = size_t(layer) < layers.size() ? layers[size_t(layer)].assignedCost() : nullptr;
    return c ? c->luts : -1;
}

QString labelText(const QWidget* parent, const char* name)
{
    const auto* label = parent->findChild<QLabel*>(QString::fromLatin1(name));
    return label ? label->text() : QString();
}

std::string readText(const QString& path)
{
    std::ifstream f(path.toStdString());
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Keep the developer's recent files and window layout out of (and unaffected by) the tests.
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName(QStringLiteral("LuthierTest"));
        QApplication::setApplicationName(QStringLiteral("test_workbench"));
    }

    void opensExampleWithOneNodePerLayer()
    {
        MainWindow w;
        QAbstractItemModelTester layerTester(w.layerModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester costTester(
            w.inspector()->costModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);

        // TFC is the MLP 784-64-64-64-10 (shared/models/README.md): the input plus four dense layers,
        // the same list an independent import of the model gives.
        const ir::Graph imported = importer::importModel(kExampleModel.toStdString());
        QCOMPARE(int(imported.layers.size()), 5);
        QCOMPARE(w.graphView()->nodeCount(), 5);
        QCOMPARE(w.layerModel()->rowCount(), 5);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(w.graphView()->node(i)->title(), QString::fromStdString(imported.layers[size_t(i)].name));
        QVERIFY(!w.isWindowModified());
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("tfc_2w2a.luthier")));
        // The project names a dataset: the golden model measured an accuracy (ONNX Runtime gets 97.0 % on
        // the 2000 shared digits; 300 of them are a noisy sample of that).
        QVERIFY(w.document()->analysis().accuracy.has_value());
        QVERIFY(*w.document()->analysis().accuracy > 0.9);
        QCOMPARE(w.document()->analysis().samples, int64_t(300));
    }

    void clickingANodeFillsTheInspector()
    {
        MainWindow w;
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        // Shown, so the docks have their final sizes and the click lands where the node is drawn.
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const int layer = denseLayer(w, 0);
        LayerNodeItem* node = w.graphView()->node(layer);
        QGraphicsView* view = w.graphView()->view();
        view->centerOn(node);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->mapFromScene(node->sceneBoundingRect().center()));
        QCOMPARE(w.selectionModel()->currentIndex().row(), layer);
        QCOMPARE(labelText(w.inspector(), "inspectorTitle"), node->title());
        // The first dense layer maps 784 inputs to 64 outputs: weights {out, in}, 64 x 784 = 50 176 MACs.
        QVERIFY(labelText(w.inspector(), "inspectorWeightShape").startsWith(QStringLiteral("64\u00d7784")));
        QCOMPARE(labelText(w.inspector(), "inspectorMacs"), QStringLiteral("50\u2009176"));
        QCOMPARE(
            w.inspector()->costModel()->rowCount(), 7); // one row per template (DESIGN.md's six and the adder graph)

        // Selecting elsewhere (the layer list) moves the graph selection too.
        const int other = denseLayer(w, 2);
        w.selectLayer(other);
        QVERIFY(w.graphView()->node(other)->isSelected());
        QVERIFY(!node->isSelected());
    }

    void datasetOfAnotherModelIsRefused()
    {
        MainWindow w;
        QVERIFY(w.openPath(QStringLiteral(LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx")));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        // An untouched import has nothing to save: opening another file next must not ask (a modal question
        // here would hang the test).
        QVERIFY(!w.isWindowModified());
        // MNIST digits (784 values each) on the 16-input jet tagger.
        QVERIFY(!w.attachDatasetFiles(QStringLiteral(LUTHIER_SHARED_DIR "/data/mnist_x_2k.npy"),
            QStringLiteral(LUTHIER_SHARED_DIR "/data/mnist_y_2k.npy")));
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("is not a batch of model inputs of shape [16]")),
            qPrintable(box->text()));
        QVERIFY(!w.document()->project().dataset.attached());
        QCOMPARE(w.document()->undoStack()->count(), 0);
        box->close();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);

        // The same digits fit the MNIST example: attached, one undo step.
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QVERIFY(w.attachDatasetFiles(QStringLiteral(LUTHIER_SHARED_DIR "/data/mnist_x_2k.npy"),
            QStringLiteral(LUTHIER_SHARED_DIR "/data/mnist_y_2k.npy")));
        QVERIFY(w.document()->project().dataset.attached());
        QCOMPARE(w.document()->undoStack()->count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
    }

    void aTemplateThatDoesNotApplySaysSo()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openPath(QStringLiteral(LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx")));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const int layer = denseLayer(w, 1);
        w.selectLayer(layer);
        // The jet tagger's 6-bit weights are not all powers of two: shift-add cannot take them. Chosen with the
        // keyboard, as a user tabbing through the Inspector does.
        auto* templateBox = w.inspector()->findChild<QComboBox*>(QStringLiteral("templateKind"));
        templateBox->setFocus();
        QTRY_VERIFY(templateBox->hasFocus());
        for (int i = 0; i < templateBox->count() && templateBox->currentText() != QLatin1String("shiftadd"); ++i)
            QTest::keyClick(templateBox, Qt::Key_Down);
        QCOMPARE(templateBox->currentText(), QStringLiteral("shiftadd"));
        QVERIFY(w.document()->layerOverride(layer).templateKind == ir::TemplateKind::ShiftAdd);
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const ir::TemplateKind mapped = w.document()->analysis().layers[size_t(layer)].templateKind;
        QVERIFY(mapped != ir::TemplateKind::ShiftAdd);
        const QString note = labelText(w.inspector(), "inspectorCostNote");
        QVERIFY2(note.startsWith(QStringLiteral("shiftadd does not apply to this layer (")), qPrintable(note));
        QVERIFY2(note.contains(QStringLiteral("needs weights that are 0 or +-2^e")), qPrintable(note));
        const QString screens = QStringLiteral(LUTHIER_BINARY_DIR "/screens");
        QDir().mkpath(screens);
        auto* noteLabel = w.inspector()->findChild<QLabel*>(QStringLiteral("inspectorCostNote"));
        QVERIFY(
            noteLabel->parentWidget()->grab().save(screens + QStringLiteral("/inspector_template_does_not_apply.png")));
        QVERIFY2(note.contains(QStringLiteral("so it is mapped as %1").arg(QString::fromUtf8(ir::toString(mapped)))),
            qPrintable(note));
    }

    void wheelOverAnUnfocusedEditorChangesNothing()
    {
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const int layer = denseLayer(w, 1);
        w.selectLayer(layer);
        auto* templateBox = w.inspector()->findChild<QComboBox*>(QStringLiteral("templateKind"));
        auto* bits = w.inspector()->findChild<QSpinBox*>(QStringLiteral("weightBits"));
        QVERIFY(templateBox && bits);
        // Four notches down over each editor while the pointer passes over them: what a user scrolling the
        // Inspector does. Nothing may change and no undo step may appear.
        const auto wheel = [](QWidget* target, int notches) {
            const QPointF at = QPointF(target->rect().center());
            for (int i = 0; i < std::abs(notches); ++i) {
                QWheelEvent event(at, target->mapToGlobal(at), QPoint(), QPoint(0, notches < 0 ? -120 : 120),
                    Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
                QApplication::sendEvent(target, &event);
            }
        };
        wheel(templateBox, -4);
        wheel(bits, 4);
        QCOMPARE(w.document()->undoStack()->count(), 0);
        QVERIFY(!w.document()->layerOverride(layer).templateKind);
        QVERIFY(!w.document()->layerOverride(layer).weightBits);
        // Clicked into first, the box takes the wheel as an edit.
        QTest::mouseClick(bits, Qt::LeftButton, Qt::NoModifier, bits->rect().center() - QPoint(10, 0));
        QTRY_VERIFY(bits->hasFocus());
        wheel(bits, 1);
        QCOMPARE(w.document()->undoStack()->count(), 1);
        QCOMPARE(*w.document()->layerOverride(layer).weightBits, 1);
    }

    void editingWeightBitsIsUndoableAndChangesCost()
    {
        MainWindow w;
        QAbstractItemModelTester layerTester(w.layerModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester costTester(
            w.inspector()->costModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const int layer = denseLayer(w, 1);
        w.selectLayer(layer);
        const int64_t before = assignedLuts(w, layer);
        QVERIFY(before > 0);

        auto* bits = w.inspector()->findChild<QSpinBox*>(QStringLiteral("weightBits"));
        QVERIFY(bits && bits->isEnabled());
        QCOMPARE(bits->value(), 0); // "model": no override yet
        bits->setValue(1);
        QCOMPARE(w.document()->undoStack()->count(), 1);
        QCOMPARE(*w.document()->layerOverride(layer).weightBits, 1);
        QVERIFY(w.isWindowModified());
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        // Binary weights: a TLMAC array is N_lut = B_w + ceil(log2 G) LUTs wide, so one bit instead of two
        // narrows every array, and a group of 3 one-bit weights has at most 2^3 = 8 patterns instead of 27:
        // the estimate must drop.
        const int64_t after = assignedLuts(w, layer);
        QVERIFY2(after < before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        QCOMPARE(w.layerModel()->data(w.layerModel()->index(layer, LayerTableModel::Weights)).toString(),
            QStringLiteral("1 b"));
        // 64 inputs in groups of 3 leave one real weight and two zero pads in each output's last group:
        // at most 8 full patterns plus 2 padded ones.
        QVERIFY(w.document()->analysis().layers[size_t(layer)].uniqueGroups <= 10);

        w.document()->undoStack()->undo();
        QVERIFY(!w.document()->layerOverride(layer).weightBits);
        QCOMPARE(bits->value(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QCOMPARE(assignedLuts(w, layer), before);
        QVERIFY(!w.isWindowModified());
        w.document()->undoStack()->redo();
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QCOMPARE(assignedLuts(w, layer), after);
        // Both configurations were measured: the scatter has two points.
        QCOMPARE(w.document()->explored().size(), size_t(2));
    }

    void saveAndReopenKeepsOverridesAndUnknownKeys()
    {
        QTemporaryDir dir;
        // A project elsewhere that points at the example model, with keys this build does not know.
        nlohmann::json doc = nlohmann::json::parse(readText(kExample));
        doc["model"] = kExampleModel.toStdString();
        doc.erase("dataset");
        doc["futureFeature"] = { { "enabled", true } };
        doc["compiler"]["futureKnob"] = 7;
        const QString path = dir.filePath(QStringLiteral("p.luthier"));
        std::ofstream(path.toStdString()) << doc.dump(2);

        int layer = -1;
        {
            MainWindow w;
            QVERIFY(w.openPath(path));
            QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
            layer = denseLayer(w, 2);
            w.selectLayer(layer);
            w.inspector()->findChild<QSpinBox*>(QStringLiteral("weightBits"))->setValue(3);
            w.inspector()->findChild<QSpinBox*>(QStringLiteral("activationBits"))->setValue(4);
            QCOMPARE(w.document()->undoStack()->count(), 2);
            QVERIFY(w.isWindowModified());
            w.document()->saveAs(path);
            QVERIFY(!w.isWindowModified());
            QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        }
        const nlohmann::json saved = nlohmann::json::parse(readText(path));
        QCOMPARE(saved["futureFeature"]["enabled"].get<bool>(), true);
        QCOMPARE(saved["compiler"]["futureKnob"].get<int>(), 7);

        MainWindow w;
        QVERIFY(w.openPath(path));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QCOMPARE(*w.document()->layerOverride(layer).weightBits, 3);
        QCOMPARE(*w.document()->layerOverride(layer).activationBits, 4);
        w.selectLayer(layer);
        QCOMPARE(w.inspector()->findChild<QSpinBox*>(QStringLiteral("weightBits"))->value(), 3);
        QCOMPARE(w.document()->analysis().layers[size_t(layer)].weightBits, 3);
        QVERIFY(!w.isWindowModified());
    }

    void learnedTablesFromTheProjectShowAndSurviveEdits()
    {
        QTemporaryDir dir;
        const ir::Graph model = importer::importModel(kExampleModel.toStdString());
        int index = 0;
        while (model.layers[size_t(index)].name != "MatMul_56")
            ++index;
        std::ofstream(dir.filePath(QStringLiteral("l56.json")).toStdString())
            << quant::learnedTablesJson(quant::exactProductTables(quant::lowerToInteger(model), index)).dump();
        nlohmann::json doc = nlohmann::json::parse(readText(kExample));
        doc["model"] = kExampleModel.toStdString();
        doc.erase("dataset");
        doc["overrides"] = { { "MatMul_56", { { "tables", "l56.json" } } } };
        const QString path = dir.filePath(QStringLiteral("p.luthier"));
        std::ofstream(path.toStdString()) << doc.dump(2);

        MainWindow w;
        QVERIFY(w.openPath(path));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QCOMPARE(index, denseLayer(w, 3));
        w.selectLayer(index);
        QVERIFY(labelText(w.inspector(), "inspectorLearnedTables").endsWith(QStringLiteral("/l56.json")));
        // The tables decide the template: the inspector shows lutdense and does not offer another one, and the
        // analysis counts the layer as lutdense.
        auto* templateBox = w.inspector()->findChild<QComboBox*>(QStringLiteral("templateKind"));
        QVERIFY(!templateBox->isEnabled());
        QCOMPARE(templateBox->currentData().toInt(), int(ir::TemplateKind::LutDense));
        QVERIFY(w.document()->analysis().layers[size_t(index)].templateKind == ir::TemplateKind::LutDense);
        QVERIFY(w.document()->undoStack()->count() == 0);

        // Another edit of the layer keeps its tables, and saving writes them back as the same relative path.
        w.inspector()->findChild<QSpinBox*>(QStringLiteral("groupSize"))->setValue(4);
        QVERIFY(w.document()->layerOverride(index).tables != nullptr);
        w.document()->saveAs(path);
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const nlohmann::json saved = nlohmann::json::parse(readText(path));
        QCOMPARE(saved["overrides"]["MatMul_56"]["tables"].get<std::string>(), std::string("l56.json"));
        QCOMPARE(saved["overrides"]["MatMul_56"]["groupSize"].get<int>(), 4);

        // "Reset to model" drops the tables too (undoably).
        w.inspector()->findChild<QPushButton*>(QStringLiteral("resetOverride"))->click();
        QVERIFY(w.document()->layerOverride(index).empty());
        QVERIFY(labelText(w.inspector(), "inspectorLearnedTables").startsWith(QStringLiteral("none")));
        QVERIFY(templateBox->isEnabled());
        w.document()->undoStack()->undo();
        QVERIFY(w.document()->layerOverride(index).tables != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
    }

    void corruptProjectShowsErrorAndKeepsDocument()
    {
        QTemporaryDir dir;
        MainWindow w;
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const ir::Graph* graph = w.document()->graph();

        const QString corrupt = dir.filePath(QStringLiteral("broken.luthier"));
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"luthier-project\", \"version\": 1, \"model\": ");
        f.close();
        QVERIFY(!w.openPath(corrupt));
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QVERIFY2(
            box->text().contains(QStringLiteral("broken.luthier: not a valid project file")), qPrintable(box->text()));
        box->close();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(!w.findChild<QMessageBox*>(QStringLiteral("errorBox")));

        // A file from a newer Luthier is refused the same way, naming the version.
        const QString newer = dir.filePath(QStringLiteral("newer.luthier"));
        std::ofstream(newer.toStdString()) << R"({"format": "luthier-project", "version": 99, "model": "m.onnx"})";
        QVERIFY(!w.openPath(newer));
        QTRY_VERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox")) != nullptr);
        QVERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox"))->text().contains(QStringLiteral("version 99")));
        w.findChild<QMessageBox*>(QStringLiteral("errorBox"))->close();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);

        // 100,000 nested arrays under a key the loader does not know: it used to overflow the stack while the
        // document copied the project (the CLI accepted the file).
        const QString deep = dir.filePath(QStringLiteral("deep.luthier"));
        std::ofstream(deep.toStdString()) << R"({"format": "luthier-project", "version": 1, "model": "m.onnx", "x": )"
                                          << std::string(100000, '[') << std::string(100000, ']') << "}";
        QVERIFY(!w.openPath(deep));
        QTRY_VERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox")) != nullptr);
        QVERIFY2(
            w.findChild<QMessageBox*>(QStringLiteral("errorBox"))->text().contains(QStringLiteral("nested deeper")),
            qPrintable(w.findChild<QMessageBox*>(QStringLiteral("errorBox"))->text()));

        // The open document is untouched.
        QCOMPARE(w.document()->graph(), graph);
        QCOMPARE(w.document()->filePath(), QFileInfo(kExample).absoluteFilePath());
        QCOMPARE(w.graphView()->nodeCount(), 5);
        QVERIFY(!w.isWindowModified());
    }

    // The docks of the second workbench issue, wired to the document: the floorplan shows the project's
    // device before anything is placed, and the explainer compiles the example in the background and then
    // shows the layer selected in the graph.
    void floorplanAndExplainerFollowTheSelection()
    {
        MainWindow w;
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        QVERIFY(w.floorplan()->view()->data() != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(!w.explainerLoading(), 60000);
        QVERIFY(w.explainer()->source() != nullptr);

        for (int skip : { 1, 0 }) {
            const int layer = denseLayer(w, skip);
            w.selectLayer(layer);
            const ExplainerSource* source = w.explainer()->source();
            const int shown = w.explainer()->currentLayer();
            QVERIFY(shown >= 0 && size_t(shown) < source->design->layers.size());
            QCOMPARE(source->design->layers[size_t(shown)].name, w.document()->graph()->layers[size_t(layer)].name);
            QCOMPARE(w.floorplan()->view()->selectedLayer(),
                QString::fromStdString(w.document()->graph()->layers[size_t(layer)].name));
        }
    }

    // Project > Import Vivado Report on the compiled example: the report is written here by hand in the
    // layout of Vivado's `report_utilization -hierarchical` (no Vivado on this machine), with the instance
    // names the compiler wrote into the design's manifest and numbers chosen by the test. The table then
    // shows exactly those numbers; a report of another design is refused and leaves them in place.
    void vivadoReportShowsBesideTheEstimates()
    {
        QTemporaryDir dir;
        MainWindow w;
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const QString project = dir.filePath(QStringLiteral("tfc.luthier"));
        w.document()->saveAs(project);
        QCOMPARE(w.jobs()->designDirectory(), dir.filePath(QStringLiteral("tfc.build/design")));
        Job* compile = w.jobs()->compile();
        QVERIFY(compile);
        QVERIFY2(test::waitFinished(compile, 120000), "compile did not finish in 120 s");
        QVERIFY2(compile->state() == JobState::Succeeded, qPrintable(compile->log()));

        const nlohmann::json manifest
            = nlohmann::json::parse(readText(w.jobs()->designDirectory() + QStringLiteral("/manifest.json")));
        std::ostringstream rows;
        std::map<std::string, int> chosen; // layer name -> Vivado LUTs in the report
        int luts = 1000;
        for (const auto& layer : manifest.at("layers")) {
            chosen[layer.at("name").get<std::string>()] = luts;
            rows << "|   " << layer.at("instance").get<std::string>() << " | " << layer.at("module").get<std::string>()
                 << " | " << luts << " | " << luts << " | 0 | 0 | 77 | 0 | 0 | 0 |\n";
            luts += 111;
        }
        QCOMPARE(chosen.size(), size_t(4));
        const std::string top = manifest.at("top").get<std::string>();
        const QString report = dir.filePath(QStringLiteral("post_route_utilization_hierarchical.rpt"));
        {
            std::ofstream f(report.toStdString());
            f << "| Design       : " << top << "\n| Device       : xc7z020clg400-1\n| Design State : Routed\n\n"
              << "1. Utilization by Hierarchy\n---------------------------\n\n"
              << "+--+--+--+--+--+--+--+--+--+--+\n"
              << "| Instance | Module | Total LUTs | Logic LUTs | LUTRAMs | SRLs | FFs | RAMB36 | RAMB18 | DSP48 "
                 "Blocks |\n"
              << "+--+--+--+--+--+--+--+--+--+--+\n"
              << "| " << top << " | (top) | 9999 | 9999 | 0 | 0 | 400 | 0 | 0 | 0 |\n"
              << rows.str() << "+--+--+--+--+--+--+--+--+--+--+\n";
        }
        auto* table = w.findChild<QTableView*>(QStringLiteral("layerTable"));
        QVERIFY(table && table->isColumnHidden(LayerTableModel::VivadoLuts)); // nothing to show yet
        QVERIFY(w.importVivadoReport(report));
        QVERIFY(!table->isColumnHidden(LayerTableModel::VivadoLuts));
        const ir::Graph& g = *w.document()->graph();
        for (size_t i = 0; i < g.layers.size(); ++i) {
            const QModelIndex cell = w.layerModel()->index(int(i), LayerTableModel::VivadoLuts);
            const auto it = chosen.find(g.layers[i].name);
            if (it == chosen.end()) {
                QVERIFY(!cell.data().isValid()); // the input layer has no hardware of its own
                continue;
            }
            QCOMPARE(cell.data().toString(), groupedNumber(it->second));
            QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QStringLiteral("%1 LUT, 77 FF").arg(it->second)));
        }

        // Another design's report (the hand-written fixture of the export tests) matches no layer.
        QVERIFY(!w.importVivadoReport(
            QStringLiteral(LUTHIER_SOURCE_DIR "/tests/data/vivado/tiny_post_route_utilization_hierarchical.rpt")));
        QTRY_VERIFY(w.findChild<QMessageBox*>(QStringLiteral("errorBox")) != nullptr);
        QCOMPARE(w.layerModel()->index(denseLayer(w, 0), LayerTableModel::VivadoLuts).data().toString(),
            groupedNumber(chosen.at(g.layers[size_t(denseLayer(w, 0))].name)));
    }

    void findBoxSelectsMatchingLayer()
    {
        MainWindow w;
        QVERIFY(w.openPath(kExample));
        QTRY_VERIFY_WITH_TIMEOUT(settled(w), 60000);
        const int last = denseLayer(w, 3);
        const QString name = w.graphView()->node(last)->title();
        QVERIFY(w.graphView()->findNext(name.toLower()));
        QCOMPARE(w.selectionModel()->currentIndex().row(), last);
        QVERIFY(!w.graphView()->findNext(QStringLiteral("no such layer")));
    }
};

int main(int argc, char** argv)
{
    // Widget tests never need a display.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestWorkbench test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_workbench.moc"
