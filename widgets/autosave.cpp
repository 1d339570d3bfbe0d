#include "autosave.h"

#include "document.h"
#include "project/project_file.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QStandardPaths>
#include <QUuid>
#include <algorithm>

namespace luthier::widgets {

namespace {

constexpr const char* kMetadataFormat = "luthier-recovery";

// Atomic like every save (util/atomic_file.h, not QSaveFile: see Document::saveAs): a crash or a full disk
// while writing leaves the previous copy, never half a file.
bool writeAtomically(const QString& path, const QByteArray& data, QString* error)
{
    try {
        util::writeFileAtomic(path.toStdString(), std::string_view(data.constData(), size_t(data.size())));
        return true;
    } catch (const Error& e) {
        *error = QString::fromUtf8(e.what());
        return false;
    }
}

QString withoutSuffix(const QString& recoveryFile)
{
    const QFileInfo info(recoveryFile);
    return info.absolutePath() + QLatin1Char('/') + info.completeBaseName();
}

} // namespace

QString recoveryDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/recovery");
}

QList<RecoveryFile> findRecoveryFiles(const QString& directory)
{
    QList<RecoveryFile> found;
    const QFileInfoList copies = QDir(directory).entryInfoList({ QStringLiteral("*.luthier") }, QDir::Files);
    for (const QFileInfo& info : copies) {
        const QString base = withoutSuffix(info.absoluteFilePath());
        // The lock is free when its owner has exited; QLockFile takes over a lock whose process is gone.
        QLockFile probe(base + QStringLiteral(".lock"));
        probe.setStaleLockTime(0);
        if (!probe.tryLock(0) && probe.error() == QLockFile::LockFailedError)
            continue; // a running workbench is still writing this copy
        probe.unlock();

        RecoveryFile r;
        r.file = info.absoluteFilePath();
        r.savedAt = info.lastModified();
        r.displayName = info.fileName();
        QFile metadata(base + QStringLiteral(".json"));
        if (metadata.open(QIODevice::ReadOnly)) {
            const QJsonObject meta = QJsonDocument::fromJson(metadata.readAll()).object();
            if (meta.value(QStringLiteral("format")).toString() == QLatin1String(kMetadataFormat)) {
                r.originalPath = meta.value(QStringLiteral("originalPath")).toString();
                r.displayName = meta.value(QStringLiteral("displayName")).toString(r.displayName);
                const QDateTime saved
                    = QDateTime::fromString(meta.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs);
                if (saved.isValid()) r.savedAt = saved.toLocalTime();
            }
        }
        found.append(r);
    }
    std::sort(
        found.begin(), found.end(), [](const RecoveryFile& a, const RecoveryFile& b) { return a.savedAt > b.savedAt; });
    return found;
}

void restoreRecovery(Document& document, const RecoveryFile& recovery)
{
    document.restoreProject(project::loadProject(recovery.file.toStdString()), recovery.originalPath);
}

void discardRecovery(const RecoveryFile& recovery)
{
    const QString base = withoutSuffix(recovery.file);
    QFile::remove(recovery.file);
    QFile::remove(base + QStringLiteral(".json"));
}

AutosaveController::AutosaveController(Document* document, QObject* parent)
    : QObject(parent ? parent : document)
    , m_document(document)
    , m_directory(recoveryDirectory())
    , m_id(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_timer.setInterval(60 * 1000);
    connect(&m_timer, &QTimer::timeout, this, &AutosaveController::writeNow);
    connect(m_document, &Document::modifiedChanged, this, &AutosaveController::onModifiedChanged);
    if (m_document->isModified()) m_timer.start();
}

AutosaveController::~AutosaveController()
{
    removeCopy();
}

void AutosaveController::setIntervalSeconds(int seconds)
{
    m_timer.setInterval(std::max(seconds, 1) * 1000);
}

void AutosaveController::setDirectory(const QString& directory)
{
    if (directory == m_directory) return;
    removeCopy();
    m_directory = directory;
}

QString AutosaveController::filePath(const QString& suffix) const
{
    return m_directory + QLatin1Char('/') + m_id + suffix;
}

bool AutosaveController::writeNow()
{
    if (!m_document->isModified()) return true;
    QString error;
    try {
        // Relative to the recovery folder: the copy is a project that opens on its own, too.
        const std::string text = project::serialiseProject(m_document->project(), m_directory.toStdString());
        if (m_written && text == m_lastText) return true;
        if (!QDir().mkpath(m_directory)) {
            error = m_directory + QStringLiteral(": cannot create the recovery folder");
        } else {
            if (!m_lock) {
                auto lock = std::make_unique<QLockFile>(filePath(QStringLiteral(".lock")));
                lock->setStaleLockTime(0); // held for the whole session, however long
                if (lock->tryLock(0)) m_lock = std::move(lock);
            }
            QJsonObject meta;
            meta.insert(QStringLiteral("format"), QLatin1String(kMetadataFormat));
            meta.insert(QStringLiteral("originalPath"), m_document->filePath());
            meta.insert(QStringLiteral("displayName"), m_document->displayName());
            meta.insert(QStringLiteral("savedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
            if (!m_lock)
                error = filePath(QStringLiteral(".lock")) + QStringLiteral(": cannot lock the recovery copy");
            else if (writeAtomically(filePath(QStringLiteral(".luthier")), QByteArray::fromStdString(text), &error)
                && writeAtomically(filePath(QStringLiteral(".json")), QJsonDocument(meta).toJson(), &error)) {
                m_written = true;
                m_lastText = text;
                m_lastError.clear();
                Q_EMIT recoveryWritten(filePath(QStringLiteral(".luthier")));
                return true;
            }
        }
    } catch (const Error& e) {
        error = QString::fromUtf8(e.what());
    }
    m_lastError = tr("Autosave failed: %1").arg(error);
    Q_EMIT recoveryFailed(m_lastError);
    return false;
}

void AutosaveController::restore(const RecoveryFile& recovery)
{
    restoreRecovery(*m_document, recovery);
    if (writeNow()) discardRecovery(recovery);
}

void AutosaveController::onModifiedChanged(bool modified)
{
    if (modified) {
        if (!m_timer.isActive()) m_timer.start();
        return;
    }
    m_timer.stop();
    removeCopy(); // saved, or undone back to the saved state: nothing left to recover
}

void AutosaveController::removeCopy()
{
    if (m_written) {
        QFile::remove(filePath(QStringLiteral(".luthier")));
        QFile::remove(filePath(QStringLiteral(".json")));
    }
    m_lock.reset(); // unlocks and deletes the lock file
    m_written = false;
    m_lastText.clear();
}

} // namespace luthier::widgets
