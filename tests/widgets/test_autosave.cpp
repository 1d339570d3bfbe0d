// No lost work (widgets/autosave.h, Document::saveAs): an edited project gets a recovery copy holding the
// edit, a copy left by a session that died is found and restored with the edit and the original path, a
// clean save or closing removes the copy, and a save that cannot be written keeps the document modified and
// says why. Runs on the bundled example project (TFC_2W2A); recovery folders live in QStandardPaths' test
// locations or temporary folders, never in the user's.

#include "autosave.h"
#include "document.h"
#include "ir/graph.h"
#include "main_window.h"
#include "project/project_file.h"
#include "util/error.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <unistd.h>

using namespace luthier;
using namespace luthier::widgets;

namespace {

const QString kExample = QStringLiteral(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");

int firstDenseLayer(const Document& doc)
{
    const ir::Graph* g = doc.graph();
    for (size_t i = 0; g && i < g->layers.size(); ++i)
        if (ir::hasWeights(g->layers[i].kind)) return int(i);
    return -1;
}

// The example has no overrides, so 3-bit weights on its first dense layer is an edit a copy must carry.
void editWeights(Document& doc, int bits)
{
    const int layer = firstDenseLayer(doc);
    QVERIFY(layer >= 0);
    quant::LayerOverride o = doc.layerOverride(layer);
    o.weightBits = bits;
    doc.editLayerOverride(layer, o, QStringLiteral("weights to %1 bits").arg(bits));
}

std::optional<int> weightBitsIn(const project::Project& p, const std::string& layer)
{
    const auto it = p.overrides.find(layer);
    return it == p.overrides.end() ? std::nullopt : it->second.weightBits;
}

// A copy as a crashed session leaves it: the files stay, the lock is gone with the process.
RecoveryFile orphanOf(const QString& copy, const QString& directory)
{
    const QString base = directory + QStringLiteral("/crashed-session");
    const QString meta = copy.left(copy.size() - int(qstrlen(".luthier"))) + QStringLiteral(".json");
    if (!QFile::copy(copy, base + QStringLiteral(".luthier")) || !QFile::copy(meta, base + QStringLiteral(".json")))
        return {};
    for (const RecoveryFile& r : findRecoveryFiles(directory))
        if (r.file == base + QStringLiteral(".luthier")) return r;
    return {};
}

// A controller writing into `directory`; owned by the document, as in the workbench.
AutosaveController* autosaveInto(Document& doc, const QString& directory)
{
    auto* autosave = new AutosaveController(&doc);
    autosave->setDirectory(directory);
    return autosave;
}

} // namespace

class TestAutosave : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QDir(recoveryDirectory()).removeRecursively();
    }

    void copyFollowsEdits()
    {
        QTemporaryDir recovery;
        Document doc;
        doc.openProject(kExample);
        auto* autosave = autosaveInto(doc, recovery.path());
        autosave->setIntervalSeconds(1);
        QVERIFY(autosave->recoveryFilePath().isEmpty()); // nothing to recover yet

        editWeights(doc, 3);
        QVERIFY(doc.isModified());
        QTRY_VERIFY_WITH_TIMEOUT(!autosave->recoveryFilePath().isEmpty(), 5000); // written by the timer
        const QString copy = autosave->recoveryFilePath();
        QVERIFY(copy.startsWith(recovery.path()));
        const std::string layer = doc.graph()->layers[size_t(firstDenseLayer(doc))].name;
        QCOMPARE(weightBitsIn(project::loadProject(copy.toStdString()), layer), std::optional<int>(3));
        // The live copy is this session's: another workbench starting now must not offer it.
        QVERIFY(findRecoveryFiles(recovery.path()).isEmpty());

        // A later edit replaces the copy's content.
        editWeights(doc, 4);
        QVERIFY(autosave->writeNow());
        QCOMPARE(weightBitsIn(project::loadProject(copy.toStdString()), layer), std::optional<int>(4));

        // Undo back to the saved state: nothing left to recover.
        doc.undoStack()->setIndex(0);
        QVERIFY(!doc.isModified());
        QVERIFY(!QFile::exists(copy));
        QVERIFY(autosave->recoveryFilePath().isEmpty());
    }

    void restoreAfterCrash()
    {
        QTemporaryDir recovery;
        Document doc;
        doc.openProject(kExample);
        auto* autosave = autosaveInto(doc, recovery.path());
        editWeights(doc, 3);
        QVERIFY(autosave->writeNow());
        const RecoveryFile crashed = orphanOf(autosave->recoveryFilePath(), recovery.path());
        QVERIFY(!crashed.file.isEmpty());
        QCOMPARE(crashed.originalPath, QFileInfo(kExample).absoluteFilePath());
        QCOMPARE(crashed.displayName, QStringLiteral("tfc_2w2a.luthier"));
        QVERIFY(qAbs(crashed.savedAt.secsTo(QDateTime::currentDateTime())) < 60);

        Document restored;
        auto* restoredAutosave = autosaveInto(restored, recovery.path());
        restoredAutosave->restore(crashed);
        QVERIFY(restored.isModified());
        QCOMPARE(restored.filePath(), QFileInfo(kExample).absoluteFilePath());
        QCOMPARE(restored.layerOverride(firstDenseLayer(restored)).weightBits, std::optional<int>(3));
        QCOMPARE(restored.project().modelPath, doc.project().modelPath);
        QCOMPARE(restored.project().dataset, doc.project().dataset);
        // The recovered work has this session's copy; the crashed session's copy is gone.
        QVERIFY(QFile::exists(restoredAutosave->recoveryFilePath()));
        QVERIFY(!QFile::exists(crashed.file));
    }

    void cleanSaveAndCloseRemoveTheCopy()
    {
        QTemporaryDir recovery, projects;
        auto* doc = new Document;
        doc->openProject(kExample);
        auto* autosave = autosaveInto(*doc, recovery.path());
        editWeights(*doc, 3);
        QVERIFY(autosave->writeNow());
        const QString copy = autosave->recoveryFilePath();
        QVERIFY(QFile::exists(copy));

        doc->saveAs(projects.filePath(QStringLiteral("saved.luthier")));
        QVERIFY(!doc->isModified());
        QVERIFY(!QFile::exists(copy));

        editWeights(*doc, 4);
        QVERIFY(autosave->writeNow());
        const QString second = autosave->recoveryFilePath();
        QVERIFY(QFile::exists(second));
        delete doc; // closing the document (after the user chose to discard) deletes its controller
        QVERIFY(!QFile::exists(second));
        QVERIFY(QDir(recovery.path()).entryList(QDir::Files).isEmpty()); // no lock or metadata left either
    }

    void failedSaveKeepsTheDocumentModified()
    {
        QTemporaryDir projects;
        Document doc;
        doc.openProject(kExample);
        editWeights(doc, 3);
        QSignalSpy modified(&doc, &Document::modifiedChanged);

        // The target is a folder: no file can be written there, for root as well.
        const QString folder = projects.filePath(QStringLiteral("already a folder.luthier"));
        QVERIFY(QDir().mkpath(folder));
        try {
            doc.saveAs(folder);
            QFAIL("saving over a folder must fail");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).startsWith(folder + QStringLiteral(": cannot save the project: ")),
                e.what());
        }
        QVERIFY(doc.isModified());
        QCOMPARE(doc.filePath(), QFileInfo(kExample).absoluteFilePath()); // still the original file
        QVERIFY(modified.isEmpty());

        // A read-only folder: permissions do not stop root, so this part needs an ordinary user.
        if (::geteuid() == 0)
            QSKIP("running as root: a read-only folder is writable (the folder case above covers root)");
        const QString readOnly = projects.filePath(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(readOnly));
        QVERIFY(QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        const QString target = readOnly + QStringLiteral("/p.luthier");
        QVERIFY_THROWS_EXCEPTION(Error, doc.saveAs(target));
        QVERIFY(doc.isModified());
        QVERIFY(!QFile::exists(target));
        QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    void unwritableRecoveryFolderIsReported()
    {
        QTemporaryDir base;
        QFile blocker(base.filePath(QStringLiteral("not-a-folder")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Document doc;
        doc.openProject(kExample);
        auto* autosave = autosaveInto(doc, blocker.fileName() + QStringLiteral("/recovery")); // under a file
        QSignalSpy failed(autosave, &AutosaveController::recoveryFailed);
        editWeights(doc, 3);
        QVERIFY(!autosave->writeNow());
        QCOMPARE(failed.count(), 1);
        QVERIFY2(autosave->lastError().contains(QStringLiteral("cannot create the recovery folder")),
            qPrintable(autosave->lastError()));
        QVERIFY(doc.isModified()); // the document is unaffected
    }

    // The workbench at start-up: a copy left by a crashed session is offered; Recover brings the edit back
    // under the original path, Discard deletes the copy, and nothing is offered when nothing is left.
    void workbenchOffersRecoveryAtStartUp()
    {
        QDir(recoveryDirectory()).removeRecursively();
        RecoveryFile crashed;
        {
            Document doc;
            doc.openProject(kExample);
            auto* autosave = autosaveInto(doc, recoveryDirectory());
            editWeights(doc, 3);
            QVERIFY(autosave->writeNow());
            crashed = orphanOf(autosave->recoveryFilePath(), recoveryDirectory());
            QVERIFY(!crashed.file.isEmpty());
        } // the live session's own copy goes with its document; the orphan stays
        QCOMPARE(findRecoveryFiles().size(), 1);

        MainWindow window;
        window.offerRecovery();
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("recoveryBox"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral("tfc_2w2a.luthier")));
        box->findChild<QPushButton*>(QStringLiteral("recoverButton"))->click();
        QVERIFY(window.document()->isModified());
        QCOMPARE(window.document()->filePath(), QFileInfo(kExample).absoluteFilePath());
        QCOMPARE(
            window.document()->layerOverride(firstDenseLayer(*window.document())).weightBits, std::optional<int>(3));
        QVERIFY(!QFile::exists(crashed.file));
        QTRY_VERIFY(!window.findChild<QMessageBox*>(QStringLiteral("recoveryBox"))); // none left to offer

        // A second orphan (this window's own copy, as a crash would leave it) is discarded on request.
        auto* autosave = window.document()->findChild<AutosaveController*>();
        QVERIFY(autosave && !autosave->recoveryFilePath().isEmpty());
        const RecoveryFile second = orphanOf(autosave->recoveryFilePath(), recoveryDirectory());
        QVERIFY(!second.file.isEmpty());
        window.offerRecovery();
        box = window.findChild<QMessageBox*>(QStringLiteral("recoveryBox"));
        QVERIFY(box);
        box->findChild<QPushButton*>(QStringLiteral("discardButton"))->click();
        QVERIFY(!QFile::exists(second.file));
        QVERIFY(window.document()->isModified()); // discarding a copy never touches the open document
        QTRY_VERIFY(!window.findChild<QMessageBox*>(QStringLiteral("recoveryBox")));
    }

    void defaultFolderIsAppLocalData()
    {
        QVERIFY(recoveryDirectory().startsWith(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)));
        QVERIFY(recoveryDirectory().endsWith(QStringLiteral("/recovery")));
    }
};

QTEST_MAIN(TestAutosave)
#include "test_autosave.moc"
