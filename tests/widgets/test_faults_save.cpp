// Ctrl+S on a full disk (issue 29, critical): the workbench used to replace the project with an empty file and
// say nothing (QSaveFile opened buffered; on Qt 6.4 commit() renames even after the flush failed). Here the
// real MainWindow saves the example project into a file system that is full (tests/core/full_disk.h: a
// 64 KiB tmpfs filled up, or RLIMIT_FSIZE where mounting is not allowed): the file keeps every byte, an
// error box names the file and the reason, the document stays modified. The recovery copy likewise keeps
// its previous contents. Label faults.

#include "autosave.h"
#include "core/full_disk.h"
#include "document.h"
#include "ir/graph.h"
#include "main_window.h"

#include <QAction>
#include <QFile>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace luthier;
using namespace luthier::widgets;

namespace {

const QString kExample = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");

QByteArray bytesOf(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void editWeights(Document& doc, int bits)
{
    const ir::Graph* g = doc.graph();
    QVERIFY(g);
    for (size_t i = 0; i < g->layers.size(); ++i)
        if (ir::hasWeights(g->layers[i].kind)) {
            quant::LayerOverride o = doc.layerOverride(int(i));
            o.weightBits = bits;
            doc.editLayerOverride(int(i), o, QStringLiteral("weights to %1 bits").arg(bits));
            return;
        }
    QFAIL("the example has no weight layer");
}

QAction* saveAction(MainWindow& window)
{
    for (QAction* action : window.findChildren<QAction*>())
        if (action->shortcut() == QKeySequence(QKeySequence::Save)) return action;
    return nullptr;
}

} // namespace

class TestFaultsSave : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void saveOnAFullDiskKeepsTheProject()
    {
        QTemporaryDir tmp;
        test::FullDisk disk(tmp.filePath(QStringLiteral("full")).toStdString());
        const QString path = QString::fromStdString((disk.dir() / "project.luthier").string());
        {
            Document doc;
            doc.openProject(kExample);
            doc.saveAs(path); // with space: the project now lives on the small file system
        }
        const QByteArray before = bytesOf(path);
        QVERIFY(before.size() > 100);

        MainWindow window;
        QVERIFY(window.openPath(path));
        editWeights(*window.document(), 3);
        QVERIFY(window.document()->isModified());
        QAction* save = saveAction(window);
        QVERIFY(save);
        disk.fill();
        save->trigger(); // Ctrl+S
        disk.restore();

        QCOMPARE(bytesOf(path), before); // not one byte lost
        QVERIFY(window.document()->isModified()); // the edit is still unsaved, and says so
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"));
        QVERIFY2(box, "no error shown");
        QVERIFY2(box->text().contains(path) && box->text().contains(QString::fromStdString(disk.reason())),
            qPrintable(box->text()));
        const QStringList left
            = QDir(QString::fromStdString(disk.dir().string())).entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(left, QStringList { QStringLiteral("project.luthier") }); // no temporary behind
        box->close();

        // With space again, the same Ctrl+S saves the edit.
        save->trigger();
        QVERIFY(!window.document()->isModified());
        QVERIFY(bytesOf(path) != before);
    }

    void recoveryCopyOnAFullDiskKeepsThePreviousCopy()
    {
        QTemporaryDir tmp;
        test::FullDisk disk(tmp.filePath(QStringLiteral("recovery")).toStdString());
        Document doc;
        doc.openProject(kExample);
        auto* autosave = new AutosaveController(&doc);
        autosave->setDirectory(QString::fromStdString(disk.dir().string()));
        editWeights(doc, 3);
        QVERIFY(autosave->writeNow());
        const QString copy = autosave->recoveryFilePath();
        const QByteArray before = bytesOf(copy);
        QVERIFY(!before.isEmpty());

        editWeights(doc, 4);
        disk.fill();
        const bool written = autosave->writeNow();
        disk.restore();
        QVERIFY(!written);
        QVERIFY2(
            autosave->lastError().contains(QString::fromStdString(disk.reason())), qPrintable(autosave->lastError()));
        QCOMPARE(bytesOf(copy), before);
    }
};

QTEST_MAIN(TestFaultsSave)
#include "test_faults_save.moc"
