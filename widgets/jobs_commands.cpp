#include "jobs_commands.h"

#include "floorplan_pblocks.h"
#include "pipeline/pipeline.h"
#include "place/constraints.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json_file.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QStandardPaths>
#include <memory>
#include <nlohmann/json.hpp>

namespace luthier::widgets {

namespace {

QString path(const std::string& p)
{
    return QString::fromStdString(p);
}

QString thousands(qint64 v)
{
    return QString::fromStdString(device::withThousands(v));
}

// Keeps the last non-empty line of the output: what a failing tool said last, usually "error: ...".
QString lastLine(const QString& output)
{
    const QStringList lines = output.split(QRegularExpression(QStringLiteral("[\r\n]")), Qt::SkipEmptyParts);
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        if (!it->trimmed().isEmpty()) return it->trimmed();
    return {};
}

Job* cliJob(
    const QString& title, const project::Project& project, QStringList arguments, ProcessJob::Summariser summariser)
{
    QString program = cliProgram();
    if (program.isEmpty()) program = QStringLiteral("luthier-cli"); // fails to start with a message naming it
    return new ProcessJob(title, projectKey(project), program, std::move(arguments), std::move(summariser));
}

} // namespace

QString projectKey(const project::Project& project)
{
    const std::string text = project::serialiseProject(project, "/");
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArray::fromStdString(text), QCryptographicHash::Sha1).toHex().left(12));
}

QString cliProgram()
{
    const QString env = qEnvironmentVariable("LUTHIER_CLI");
    if (!env.isEmpty() && QFileInfo(env).isExecutable()) return env;
    const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("luthier-cli"));
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable(QStringLiteral("luthier-cli"));
}

QString verifySummary(const QString& output, int exitCode, JobState& state)
{
    static const QRegularExpression counts(QStringLiteral("(\\d+) vectors, (\\d+) passed, (\\d+) failed"));
    const QRegularExpressionMatch m = counts.match(output);
    if (!m.hasMatch()) return exitCode == 0 ? QString() : lastLine(output);
    const qint64 vectors = m.captured(1).toLongLong(), passed = m.captured(2).toLongLong(),
                 failed = m.captured(3).toLongLong();
    if (failed == 0 && passed == vectors && exitCode == 0)
        return QStringLiteral("verified %1/%2 vectors bit-exact").arg(thousands(passed), thousands(vectors));
    state = JobState::Failed;
    return QStringLiteral("%1 of %2 vectors differ from the golden model").arg(thousands(failed), thousands(vectors));
}

QString synthSummary(const QString& output, int exitCode, JobState&)
{
    // "total   <LUT est> <LUT> <err %> ..."
    static const QRegularExpression total(
        QStringLiteral("^total\\s+(\\d+)\\s+(\\d+)"), QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = total.match(output);
    if (!m.hasMatch()) return exitCode == 0 ? QString() : lastLine(output);
    QString summary = QStringLiteral("Yosys: %1 LUT vs %2 estimated")
                          .arg(thousands(m.captured(2).toLongLong()), thousands(m.captured(1).toLongLong()));
    // "critical path 3.21 ns in cell delays alone (...): Fmax at most 311 MHz; ..."
    static const QRegularExpression path(
        QStringLiteral("^critical path ([\\d.]+) ns .*Fmax at most (\\d+) MHz"), QRegularExpression::MultilineOption);
    const QRegularExpressionMatch p = path.match(output);
    if (p.hasMatch())
        summary += QStringLiteral("; cell path %1 ns, Fmax at most %2 MHz before routing")
                       .arg(p.captured(1), p.captured(2));
    return summary;
}

QString implementSummary(const QString& output, int exitCode, JobState&)
{
    // "top on ice40up5k (...)", "  logic cells (LUT4+FF)   83 / 5280 ...", "routed Fmax clk: 66.71 MHz (meets at 12
    // MHz)"
    static const QRegularExpression part(QStringLiteral("^\\S+ on (ice40\\w+) "), QRegularExpression::MultilineOption);
    static const QRegularExpression luts(
        QStringLiteral("^\\s+logic cells \\(LUT4\\+FF\\)\\s+(\\d+) / (\\d+)"), QRegularExpression::MultilineOption);
    static const QRegularExpression fmax(
        QStringLiteral("^routed Fmax \\S+: ([\\d.]+) MHz \\((meets|FAILS)"), QRegularExpression::MultilineOption);
    const QRegularExpressionMatch f = fmax.match(output);
    if (exitCode != 0 || !f.hasMatch()) return lastLine(output);
    const QRegularExpressionMatch p = part.match(output), l = luts.match(output);
    QString summary = p.hasMatch() ? p.captured(1) + QStringLiteral(": ") : QString();
    if (l.hasMatch())
        summary += QStringLiteral("%1 logic cells of %2, ")
                       .arg(thousands(l.captured(1).toLongLong()), thousands(l.captured(2).toLongLong()));
    summary += QStringLiteral("routed Fmax %1 MHz").arg(f.captured(1));
    if (f.captured(2) == QLatin1String("FAILS")) summary += QStringLiteral(" (below the clock constraint)");
    return summary;
}

QString exploreSummary(const QString& output, int exitCode, JobState&)
{
    // Table rows: "* w3 a=model   12345 ... 96.50% ..." ('*' marks the Pareto front).
    static const QRegularExpression row(
        QStringLiteral("^([* ]) (w\\d+[^\\d]*?)\\s+(\\d+)\\s.*?([\\d.]+)%"), QRegularExpression::MultilineOption);
    int configs = 0;
    QStringList front;
    for (auto it = row.globalMatch(output); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        ++configs;
        if (m.captured(1) == QLatin1String("*"))
            front << QStringLiteral("%1 (%2 LUT)").arg(m.captured(2).trimmed(), thousands(m.captured(3).toLongLong()));
    }
    if (configs == 0) return exitCode == 0 ? QString() : lastLine(output);
    return QStringLiteral("%1 configurations; Pareto front: %2").arg(configs).arg(front.join(QStringLiteral(", ")));
}

Job* makeCompileJob(const project::Project& project, const QString& designDir)
{
    // The project as it is now, unsaved edits included, beside the design compiled from it: `compile --project`
    // then maps the per-layer templates, bit-widths and learned tables the workbench shows, and K, P, effort,
    // input quantiser and dataset come with it. (Passing the model and K/P alone compiled without any override.)
    // Beside the folder, not in it: compile replaces the whole folder (util/staged_folder.h).
    const QString snapshot = QDir::cleanPath(designDir) + QStringLiteral(".luthier");
    QDir().mkpath(QFileInfo(snapshot).absolutePath());
    project::saveProject(project, snapshot.toStdString());
    const QStringList args { QStringLiteral("compile"), QStringLiteral("--project"), snapshot, QStringLiteral("-o"),
        designDir };
    return cliJob(QStringLiteral("Compile"), project, args, [](const QString& output, int exitCode, JobState&) {
        static const QRegularExpression total(
            QStringLiteral("^total: (\\d+) LUT, (\\d+) FF.*?(\\d+) cycles"), QRegularExpression::MultilineOption);
        const QRegularExpressionMatch m = total.match(output);
        if (!m.hasMatch()) return exitCode == 0 ? QString() : lastLine(output);
        return QStringLiteral("compiled: %1 LUT, %2 FF estimated, %3 cycles per inference")
            .arg(thousands(m.captured(1).toLongLong()), thousands(m.captured(2).toLongLong()),
                thousands(m.captured(3).toLongLong()));
    });
}

Job* makeVerifyJob(const project::Project& project, const QString& designDir)
{
    return cliJob(
        QStringLiteral("Verify (Verilator)"), project, { QStringLiteral("verify"), designDir }, verifySummary);
}

Job* makeSynthJob(const project::Project& project, const QString& designDir)
{
    return cliJob(QStringLiteral("Synthesise (Yosys)"), project, { QStringLiteral("synth"), designDir }, synthSummary);
}

Job* makeExploreJob(const project::Project& project, const QString& weightBits)
{
    return cliJob(QStringLiteral("Explore bit-widths"), project,
        { QStringLiteral("explore"), path(project.modelPath), QStringLiteral("--inputs"), path(project.dataset.inputs),
            QStringLiteral("--labels"), path(project.dataset.labels), QStringLiteral("--wbits"), weightBits },
        exploreSummary);
}

Job* makeExportJob(const project::Project& project, const QString& designDir, const QString& vivadoDir)
{
    QDir().mkpath(vivadoDir);
    // Beside the folder, not in it: export replaces the whole folder (util/staged_folder.h).
    const QString constraintsFile = vivadoDir + QStringLiteral(".constraints.json");
    util::writeFileAtomic(constraintsFile.toStdString(),
        util::dumpJson(place::toJson(pipeline::placeConstraints(project.constraints)), 2));
    QStringList args { QStringLiteral("export"), designDir, QStringLiteral("--vivado"), vivadoDir,
        QStringLiteral("--constraints"), constraintsFile };
    if (!project.devicePart.empty()) args << QStringLiteral("--part") << path(project.devicePart);
    args << QStringLiteral("--clock-ns") << QString::number(1000.0 / project.compiler.clockMhz);
    return cliJob(
        QStringLiteral("Export (Vivado)"), project, args, [vivadoDir](const QString& output, int exitCode, JobState&) {
            return exitCode == 0 ? QStringLiteral("Vivado project written to %1").arg(vivadoDir) : lastLine(output);
        });
}

Job* makeImplementJob(const project::Project& project, const QString& designDir)
{
    const QString part = path(project.devicePart);
    if (!part.startsWith(QLatin1String("ice40")))
        throw Error("Implement runs the open iCE40 flow: set the project's part to ice40up5k or ice40hx8k (it is "
            + (project.devicePart.empty() ? std::string("not set") : "'" + project.devicePart + "'")
            + "); for Xilinx parts export a Vivado project");
    return cliJob(QStringLiteral("Implement (iCE40)"), project,
        { QStringLiteral("implement"), designDir, QStringLiteral("--part"), part, QStringLiteral("--clock"),
            QString::number(project.compiler.clockMhz) },
        implementSummary);
}

Job* makePlaceJob(const project::Project& project, std::function<void(const PlacedProject&)> placed)
{
    auto result = std::make_shared<PlacedProject>();
    return new ThreadJob(
        QStringLiteral("Place"), projectKey(project),
        [project, result](Progress& progress) {
            *result = placeProject(project, progress);
            return QString::fromStdString(result->summary);
        },
        [result, placed] {
            if (placed) placed(*result);
        });
}

} // namespace luthier::widgets
