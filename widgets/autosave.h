#pragma once
// No lost work: while the open project has unsaved changes, a recovery copy of it is written every minute
// (setIntervalSeconds) into <AppLocalDataLocation>/recovery/. A clean save, undoing back to the saved state or closing
// the document removes the copy, so copies found at start-up are exactly the work of sessions that ended
// without saving (a crash, a kill, a power cut). Each copy is a complete .luthier project (paths relative
// to the recovery folder) plus a small metadata file naming the project it belongs to.
//
// A copy is locked (QLockFile) by the workbench that writes it, so a second running workbench does not
// offer to recover the first one's live work.

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>

class QLockFile;

namespace luthier::widgets {

class Document;

struct RecoveryFile {
    QString file; // the recovery copy, a .luthier project
    QString originalPath; // the project file it is a copy of; empty for a project that was never saved
    QString displayName; // what the title bar showed, e.g. "tfc.luthier" or "TFC_2W2A (unsaved)"
    QDateTime savedAt; // when the copy was written (local time)
};

// <QStandardPaths::AppLocalDataLocation>/recovery
QString recoveryDirectory();

// Recovery copies that no running workbench owns, newest first.
QList<RecoveryFile> findRecoveryFiles(const QString& directory = recoveryDirectory());

// Loads a recovery copy into `document`: it then holds the recovered edits, is modified, and its file path
// is the original one, so Save writes over the project the copy came from. Throws luthier::Error (the copy
// or its model cannot be read); the document is untouched then.
void restoreRecovery(Document& document, const RecoveryFile& recovery);

// Deletes a recovery copy and its metadata (the user chose not to recover it).
void discardRecovery(const RecoveryFile& recovery);

class AutosaveController : public QObject {
    Q_OBJECT
public:
    // Parented to the document by default, so closing the document (destroying it) removes the copy.
    explicit AutosaveController(Document* document, QObject* parent = nullptr);
    ~AutosaveController() override;

    int intervalSeconds() const { return m_timer.interval() / 1000; }
    void setIntervalSeconds(int seconds); // at least 1; default 60
    QString directory() const { return m_directory; }
    void setDirectory(const QString& directory); // default recoveryDirectory(); for tests and portable setups

    // The current copy, or empty when there is none (the document has no unsaved changes).
    QString recoveryFilePath() const { return m_written ? filePath(QStringLiteral(".luthier")) : QString(); }
    QString lastError() const { return m_lastError; }

    // Writes the copy now if the document is modified and changed since the last copy. False (and
    // recoveryFailed) when it cannot be written; the document itself is unaffected.
    bool writeNow();

    // restoreRecovery into this controller's document, then writes this session's copy of it and deletes
    // the old one, so the recovered work is never without a copy on disk.
    void restore(const RecoveryFile& recovery);

Q_SIGNALS:
    void recoveryWritten(const QString& path);
    void recoveryFailed(const QString& message);

private:
    void onModifiedChanged(bool modified);
    void removeCopy();
    QString filePath(const QString& suffix) const;

    Document* m_document;
    QTimer m_timer;
    QString m_directory;
    QString m_id; // unique per controller: several windows or instances never share a copy
    std::unique_ptr<QLockFile> m_lock;
    std::string m_lastText; // what the copy holds, to skip writing an unchanged project again
    bool m_written = false;
    QString m_lastError;
};

} // namespace luthier::widgets
