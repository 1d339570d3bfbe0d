// luthier-cli scripts well (issue 27), checked through the real binary: usage errors exit 2 with a message
// naming the mistake, an unknown command names the valid ones and the nearest, -q prints nothing but errors, -v
// writes a line per stage and never a carriage return into a log, `-` reads standard input and writes standard
// output, and --json of run, compile, verify, synth, place and export holds the members docs/cli.md lists, with
// values checked against what the same run wrote elsewhere (the files, the printed table, Yosys' cell list).
// Needs luthier-cli from the same tree, Verilator and Yosys.

#include "sim/npy.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace luthier;
namespace fs = std::filesystem;

namespace {

const QString kCli = qEnvironmentVariable("LUTHIER_CLI", QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli"));
const QString kModel = QStringLiteral(LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx");
const QString kInputs = QStringLiteral(LUTHIER_SHARED_DIR "/models/reference/qkeras_jettagging.input.npy");
const QString kReference = QStringLiteral(LUTHIER_SHARED_DIR "/models/reference/qkeras_jettagging.ort_output.npy");

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run run(const QStringList& args, const QString& stdinFile = {})
{
    QProcess p;
    if (!stdinFile.isEmpty()) p.setStandardInputFile(stdinFile);
    p.start(kCli, args);
    p.waitForFinished(600000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

QString describe(const QStringList& args, const Run& r)
{
    return args.join(' ')
        + QStringLiteral(": exit %1\nstdout: %2\nstderr: %3")
              .arg(r.exitCode)
              .arg(QString::fromUtf8(r.out.left(2000)), QString::fromUtf8(r.err.left(2000)));
}

std::string readFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The members docs/cli.md lists for a command's --json, with their JSON types.
using Members = std::vector<std::pair<const char*, nlohmann::json::value_t>>;
constexpr auto kString = nlohmann::json::value_t::string;
constexpr auto kInt = nlohmann::json::value_t::number_unsigned; // nlohmann stores non-negative integers so
constexpr auto kNumber = nlohmann::json::value_t::number_float;
constexpr auto kBool = nlohmann::json::value_t::boolean;
constexpr auto kArray = nlohmann::json::value_t::array;
constexpr auto kObject = nlohmann::json::value_t::object;

bool sameKind(nlohmann::json::value_t want, const nlohmann::json& value)
{
    if (want == kNumber) return value.is_number();
    if (want == kInt) return value.is_number_integer();
    return value.type() == want;
}

// Checks "schema" and every member of `members`; returns the failure or an empty string.
std::string checkSchema(const nlohmann::json& doc, const std::string& command, const Members& members)
{
    if (!doc.is_object()) return "not an object";
    if (doc.value("schema", "") != "luthier-cli/" + command + "/1") return "schema is " + doc.value("schema", "");
    for (const auto& [name, type] : members) {
        if (!doc.contains(name)) return std::string("no member ") + name;
        if (!sameKind(type, doc[name])) return std::string(name) + " is " + doc[name].type_name();
    }
    return {};
}

} // namespace

class TestCliConventions : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_design; // compiled once, 20 vectors

    QString path(const char* name) const { return m_tmp.filePath(QString::fromLatin1(name)); }

    nlohmann::json jsonOf(const QStringList& args, const std::string& command, const Members& members)
    {
        const Run r = run(args + QStringList { QStringLiteral("--json"), QStringLiteral("-") });
        [&] { QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r))); }();
        const nlohmann::json doc = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
        [&] { QVERIFY2(!doc.is_discarded(), qPrintable("standard output is not only JSON: " + describe(args, r))); }();
        const std::string problem = checkSchema(doc, command, members);
        [&] { QVERIFY2(problem.empty(), qPrintable(QString::fromStdString(command + " --json: " + problem))); }();
        return doc;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kCli).isExecutable(), "build luthier-cli in the same tree first");
        m_design = path("design");
        const QStringList args { QStringLiteral("compile"), kModel, QStringLiteral("-o"), m_design,
            QStringLiteral("--inputs"), kInputs, QStringLiteral("--vectors"), QStringLiteral("20") };
        const Run r = run(args);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
    }

    void usageErrorsExitTwoNamingTheMistake()
    {
        const QString out = path("usage.npy");
        const std::vector<std::pair<QStringList, QString>> cases {
            { { QStringLiteral("run"), QStringLiteral("--bogus") }, QStringLiteral("unknown option '--bogus'") },
            { { QStringLiteral("run"), kModel, QStringLiteral("--inputs"), kInputs, QStringLiteral("--out"), out,
                  QStringLiteral("extra") },
                QStringLiteral("unexpected argument 'extra'") },
            { { QStringLiteral("run") }, QStringLiteral("model is required") },
            { { QStringLiteral("run"), kModel, QStringLiteral("--out"), out }, QStringLiteral("--inputs is required") },
            { { QStringLiteral("compile"), kModel, QStringLiteral("-o"), path("never"), QStringLiteral("--effort"),
                  QStringLiteral("abc") },
                QStringLiteral("--effort") },
            { { QStringLiteral("verify"), m_design, QStringLiteral("--vectors") }, QStringLiteral("--vectors") },
            { {}, QStringLiteral("a command is required: one of inspect, run, eval, compile") },
            { { QStringLiteral("sweep") }, QStringLiteral("sweep needs a subcommand: one of plan") },
            { { QStringLiteral("-q"), QStringLiteral("-v"), QStringLiteral("inspect"), kModel },
                QStringLiteral("excludes") },
        };
        for (const auto& [args, message] : cases) {
            const Run r = run(args);
            QVERIFY2(r.exitCode == 2 && r.out.isEmpty(), qPrintable(describe(args, r)));
            const QString err = QString::fromUtf8(r.err);
            QVERIFY2(err.startsWith(QStringLiteral("luthier-cli: error: ")) && err.contains(message)
                    && err.contains(QStringLiteral("--help' for usage")),
                qPrintable(describe(args, r)));
        }
        QVERIFY(!fs::exists(path("never").toStdString()));
        // Help and the version are not errors.
        for (const QStringList& args :
            { QStringList { QStringLiteral("--help") }, QStringList { QStringLiteral("run"), QStringLiteral("--help") },
                QStringList { QStringLiteral("--version") } }) {
            const Run r = run(args);
            QVERIFY2(r.exitCode == 0 && !r.out.isEmpty(), qPrintable(describe(args, r)));
        }
    }

    void unknownCommandsListTheValidOnes()
    {
        const Run bogus = run({ QStringLiteral("bogus") });
        const QString err = QString::fromUtf8(bogus.err);
        QVERIFY2(bogus.exitCode == 2 && err.contains(QStringLiteral("unknown command 'bogus'"))
                && !err.contains(QStringLiteral("did you mean")),
            qPrintable(err));
        for (const char* command : { "inspect", "run", "compile", "verify", "synth", "place", "export", "tables",
                 "implement", "board", "sweep" })
            QVERIFY2(err.contains(QString::fromLatin1(command)), qPrintable(err));
        // A typo gets the nearest command; flags before it do not hide it.
        const Run typo = run({ QStringLiteral("-q"), QStringLiteral("complie"), kModel });
        QVERIFY2(typo.exitCode == 2 && typo.err.contains("unknown command 'complie'; did you mean 'compile'?"),
            qPrintable(QString::fromUtf8(typo.err)));
    }

    void quietPrintsOnlyErrors()
    {
        const QStringList args { QStringLiteral("-q"), QStringLiteral("run"), kModel, QStringLiteral("--inputs"),
            kInputs, QStringLiteral("--out"), path("quiet.npy") };
        const Run quiet = run(args);
        QVERIFY2(quiet.exitCode == 0 && quiet.out.isEmpty() && quiet.err.isEmpty(), qPrintable(describe(args, quiet)));
        QCOMPARE(sim::readNpy(path("quiet.npy").toStdString()).shape, (std::vector<int64_t> { 1000, 5 }));
        // Without -q the same run reports the sample count and notes the inserted input quantiser.
        const Run normal = run(args.mid(1));
        QVERIFY2(
            normal.out.contains("1000 samples") && normal.err.contains("note: "), qPrintable(describe(args, normal)));
        // After the command's own options, too; and errors still get through.
        const Run late = run({ QStringLiteral("run"), kModel, QStringLiteral("--inputs"), path("missing.npy"),
            QStringLiteral("--out"), path("late.npy"), QStringLiteral("--quiet") });
        QVERIFY2(late.exitCode == 2 && late.err.contains("missing.npy"), qPrintable(QString::fromUtf8(late.err)));
    }

    void progressOffATerminalIsALinePerStageOrNothing()
    {
        // QProcess gives stderr a pipe, as `compile ... 2> log` gives it a file: no terminal.
        const QStringList args { QStringLiteral("compile"), kModel, QStringLiteral("-o"), path("progress") };
        const Run plain = run(args);
        QVERIFY2(plain.exitCode == 0 && !plain.err.contains('\r') && !plain.err.contains("%]"),
            qPrintable(describe(args, plain)));
        const Run verbose = run(QStringList { QStringLiteral("-v") } + args);
        QVERIFY2(verbose.exitCode == 0 && !verbose.err.contains('\r'), qPrintable(describe(args, verbose)));
        const QList<QByteArray> lines = verbose.err.trimmed().split('\n');
        int stages = 0;
        QSet<QByteArray> seen;
        for (const QByteArray& line : lines) {
            if (line.startsWith("note: ")) continue;
            QVERIFY2(QRegularExpression(QStringLiteral("^\\[ *\\d+%\\] \\S")).match(QString::fromUtf8(line)).hasMatch(),
                qPrintable(QString::fromUtf8(line)));
            const QByteArray stage = line.mid(line.indexOf(']') + 2);
            QVERIFY2(!seen.contains(stage) || stage.startsWith("planning"), qPrintable(QString::fromUtf8(line)));
            seen.insert(stage);
            ++stages;
        }
        // importing, lowering, one planning line per layer of the four-layer model, mapped.
        QVERIFY2(stages >= 6, qPrintable(QString::fromUtf8(verbose.err)));
        QVERIFY(verbose.err.contains("] importing ") && verbose.err.contains("] planning layer matmul_3"));
        // place redraws its annealing progress on a terminal; off one, nothing, and under -v whole lines only.
        for (const QStringList& placeArgs :
            { QStringList { QStringLiteral("place"), m_design, QStringLiteral("--part"), QStringLiteral("xcvu13p") },
                QStringList { QStringLiteral("-v"), QStringLiteral("place"), m_design, QStringLiteral("--part"),
                    QStringLiteral("xcvu13p") } }) {
            const Run place = run(placeArgs);
            QVERIFY2(place.exitCode == 0 && !place.err.contains('\r') && !place.out.contains('\r'),
                qPrintable(describe(placeArgs, place)));
            QCOMPARE(place.err.contains("%] "), placeArgs.first() == QStringLiteral("-v"));
        }
    }

    void dashReadsStandardInputAndWritesStandardOutput()
    {
        const QStringList toFile { QStringLiteral("run"), kModel, QStringLiteral("--inputs"), kInputs,
            QStringLiteral("--out"), path("file.npy") };
        QCOMPARE(run(toFile).exitCode, 0);
        const QStringList piped { QStringLiteral("run"), kModel, QStringLiteral("--inputs"), QStringLiteral("-"),
            QStringLiteral("--out"), QStringLiteral("-") };
        const Run r = run(piped, kInputs);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(piped, r)));
        // Standard output is exactly the .npy the file run wrote; the report moved to stderr.
        QVERIFY(r.out == QByteArray::fromStdString(readFile(path("file.npy").toStdString())));
        QVERIFY(r.out.startsWith("\x93NUMPY"));
        QVERIFY2(r.err.contains("1000 samples"), qPrintable(QString::fromUtf8(r.err)));
        QVERIFY2(!fs::exists("-"), "a file named '-' was written");
        const sim::NpyArray values = sim::parseNpy(r.out.toStdString(), "stdout");
        QCOMPARE(values.shape, sim::readNpy(kReference.toStdString()).shape);
        // The integer outputs through stdout too; two '-' outputs cannot share it.
        const Run ints = run({ QStringLiteral("run"), kModel, QStringLiteral("--inputs"), kInputs,
            QStringLiteral("--out"), path("f.npy"), QStringLiteral("--out-ints"), QStringLiteral("-") });
        QVERIFY(ints.exitCode == 0 && sim::parseNpy(ints.out.toStdString(), "stdout").type == sim::NpyType::Int64);
        const Run both = run({ QStringLiteral("run"), kModel, QStringLiteral("--inputs"), kInputs,
            QStringLiteral("--out"), QStringLiteral("-"), QStringLiteral("--out-ints"), QStringLiteral("-") });
        QVERIFY2(both.exitCode == 2 && both.out.isEmpty() && both.err.contains("only one of"),
            qPrintable(QString::fromUtf8(both.err)));
        // Empty standard input is an error, not an empty dataset.
        const Run empty = run({ QStringLiteral("run"), kModel, QStringLiteral("--inputs"), QStringLiteral("-"),
                                  QStringLiteral("--out"), path("e.npy") },
            QStringLiteral("/dev/null"));
        QVERIFY2(empty.exitCode == 2 && empty.err.contains("standard input"), qPrintable(QString::fromUtf8(empty.err)));
    }

    void bashCompletionComesFromTheCommands()
    {
        const Run script = run({ QStringLiteral("completion"), QStringLiteral("bash") });
        QVERIFY2(script.exitCode == 0 && script.out.contains("complete "), qPrintable(QString::fromUtf8(script.err)));
        const QString file = path("luthier-cli.bash");
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly) && out.write(script.out) == script.out.size());
        out.close();
        QVERIFY(QFile::copy(kInputs, path("inputs-one.npy")));
        // What bash offers for the words typed so far (the last one being completed), run from the scratch folder.
        const auto complete = [&](const QString& words) {
            QProcess bash;
            bash.setWorkingDirectory(m_tmp.path());
            QStringList args { QStringLiteral("-c"),
                QStringLiteral(". \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _luthier_cli; "
                               "echo \"${COMPREPLY[*]}\""),
                QStringLiteral("_"), file };
            args += words.split(' ');
            bash.start(QStringLiteral("bash"), args);
            bash.waitForFinished(30000);
            return QString::fromUtf8(bash.readAllStandardOutput()).trimmed();
        };
        QCOMPARE(complete(QStringLiteral("luthier-cli comp")), QStringLiteral("compile completion"));
        QCOMPARE(complete(QStringLiteral("luthier-cli run --ou")), QStringLiteral("--out --out-ints"));
        QCOMPARE(complete(QStringLiteral("luthier-cli -q sweep p")), QStringLiteral("plan point"));
        QCOMPARE(complete(QStringLiteral("luthier-cli sweep plan --out")), QStringLiteral("--output"));
        QCOMPARE(complete(QStringLiteral("luthier-cli verify design --j")), QStringLiteral("--jobs --json"));
        // After an option that takes a value, and for positionals, file names.
        QCOMPARE(complete(QStringLiteral("luthier-cli run m.onnx --inputs inputs-")), QStringLiteral("inputs-one.npy"));
        QCOMPARE(complete(QStringLiteral("luthier-cli place --no-anneal des")), QStringLiteral("design"));
        // Every command --help lists is completed.
        const QString help = QString::fromUtf8(run({ QStringLiteral("--help") }).out);
        const QString all = complete(QStringLiteral("luthier-cli "));
        for (const QString& command : all.split(' '))
            QVERIFY2(help.contains(QStringLiteral("  ") + command), qPrintable(command));
        QVERIFY(all.split(' ').size() >= 16);
    }

    void runJson()
    {
        const nlohmann::json doc = jsonOf({ QStringLiteral("run"), kModel, QStringLiteral("--inputs"), kInputs,
                                              QStringLiteral("--out"), path("json.npy") },
            "run",
            { { "model", kString }, { "modelFile", kString }, { "executor", kString }, { "samples", kInt },
                { "outputShape", kArray }, { "out", kString }, { "seconds", kNumber } });
        if (QTest::currentTestFailed()) return;
        QCOMPARE(doc["samples"].get<int64_t>(), sim::readNpy(kInputs.toStdString()).shape.at(0));
        QCOMPARE(doc["outputShape"].get<std::vector<int64_t>>(), sim::readNpy(path("json.npy").toStdString()).shape);
        QCOMPARE(doc["executor"].get<std::string>(), std::string("integer"));
        // --json FILE writes the same document to a file.
        const QString file = path("run.json");
        QCOMPARE(run({ QStringLiteral("run"), kModel, QStringLiteral("--inputs"), kInputs, QStringLiteral("--out"),
                         path("json.npy"), QStringLiteral("--float"), QStringLiteral("--json"), file })
                     .exitCode,
            0);
        const nlohmann::json fromFile = nlohmann::json::parse(readFile(file.toStdString()));
        QCOMPARE(fromFile["executor"].get<std::string>(), std::string("float"));
        QVERIFY(checkSchema(fromFile, "run", {}).empty());
    }

    void compileJson()
    {
        const nlohmann::json doc
            = jsonOf({ QStringLiteral("compile"), kModel, QStringLiteral("-o"), path("cj"), QStringLiteral("--inputs"),
                         kInputs, QStringLiteral("--vectors"), QStringLiteral("5") },
                "compile",
                { { "model", kString }, { "output", kString }, { "top", kString }, { "lutInputs", kInt },
                    { "layers", kArray }, { "estimate", kObject }, { "latencyCycles", kInt },
                    { "intervalCycles", kInt }, { "testVectors", kInt }, { "seconds", kNumber } });
        if (QTest::currentTestFailed()) return;
        QCOMPARE(doc["testVectors"].get<int>(), 5);
        // The numbers are the manifest's, which every later stage reads.
        const nlohmann::json manifest = nlohmann::json::parse(readFile(path("cj/manifest.json").toStdString()));
        QCOMPARE(doc["top"], manifest["top"]);
        QCOMPARE(doc["layers"].size(), manifest["layers"].size());
        int64_t lut = 0;
        for (const auto& layer : doc["layers"]) {
            for (const char* member : { "module", "template", "inputs", "outputs", "estimate", "latencyCycles" })
                QVERIFY2(layer.contains(member), member);
            lut += layer["estimate"]["lut"].get<int64_t>();
        }
        QVERIFY(doc["estimate"]["lut"].get<int64_t>() >= lut); // the top adds its own glue
        QCOMPARE(doc["estimate"]["lut"], manifest["resources"]["lut"]);
        QCOMPARE(doc["latencyCycles"], manifest["cycles"]);
    }

    void verifyJson()
    {
        const nlohmann::json doc
            = jsonOf({ QStringLiteral("verify"), m_design, QStringLiteral("-j"), QStringLiteral("2") }, "verify",
                { { "top", kString }, { "pass", kBool }, { "vectors", kInt }, { "passed", kInt }, { "failed", kInt },
                    { "mismatches", kArray }, { "cyclesPerInference", kNumber }, { "latencyCycles", kInt },
                    { "processes", kInt } });
        if (QTest::currentTestFailed()) return;
        QVERIFY(doc["pass"].get<bool>());
        QCOMPARE(doc["vectors"].get<int>(), 20);
        QCOMPARE(doc["passed"].get<int>(), 20);
        QCOMPARE(doc["failed"].get<int>(), 0);
    }

    void synthJson()
    {
        const QStringList args { QStringLiteral("synth"), m_design, QStringLiteral("--layer"),
            QStringLiteral("matmul_3"), QStringLiteral("--json"), path("synth.json") };
        const Run r = run(args);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(args, r)));
        const nlohmann::json doc = nlohmann::json::parse(readFile(path("synth.json").toStdString()));
        QVERIFY2(checkSchema(doc, "synth",
                     { { "flow", kString }, { "allSynthesised", kBool }, { "layers", kArray }, { "total", kObject },
                         { "criticalPathNs", kNumber } })
                     .empty(),
            doc.dump().c_str());
        QCOMPARE(doc["layers"].size(), size_t(1));
        const nlohmann::json& layer = doc["layers"][0];
        QCOMPARE(layer["module"].get<std::string>(), std::string("matmul_3"));
        // The LUT count is the sum of Yosys' LUT1..LUT6 cells and inverters (an INV is a LUT1 on 7-series), and
        // the printed table shows the same number.
        int64_t luts = 0;
        for (const auto& [cell, count] : layer["yosys"]["cells"].items())
            if (QRegularExpression(QStringLiteral("^(LUT[1-6]|INV)$")).match(QString::fromStdString(cell)).hasMatch())
                luts += count.get<int64_t>();
        QVERIFY(luts > 0);
        QCOMPARE(layer["yosys"]["lut"].get<int64_t>(), luts);
        QCOMPARE(doc["total"]["lut"].get<int64_t>(), luts);
        const QRegularExpression row(QStringLiteral("\\nmatmul_3 +(\\d+) +(\\d+) "));
        const auto match = row.match(QString::fromUtf8(r.out));
        QVERIFY2(match.hasMatch(), r.out.constData());
        QCOMPARE(match.captured(2).toLongLong(), luts);
        QVERIFY(fs::exists(layer["log"].get<std::string>()));
    }

    void placeJson()
    {
        const nlohmann::json doc = jsonOf(
            { QStringLiteral("place"), m_design, QStringLiteral("--part"), QStringLiteral("xcvu13p") }, "place",
            { { "design", kString }, { "netlist", kString }, { "device", kObject }, { "utilisation", kObject },
                { "placement", kObject }, { "initial", kObject }, { "final", kObject }, { "layers", kArray },
                { "written", kArray } });
        if (QTest::currentTestFailed()) return;
        // The LUTs placed are the compiler's estimate of the design.
        const nlohmann::json manifest = nlohmann::json::parse(readFile(m_design.toStdString() + "/manifest.json"));
        QCOMPARE(doc["utilisation"]["lut"]["used"], manifest["resources"]["lut"]);
        QCOMPARE(doc["device"]["part"].get<std::string>(), std::string("xcvu13p"));
        QCOMPARE(doc["utilisation"]["lut"]["available"].get<int64_t>(), int64_t(1728000)); // AMD's VU13P datasheet
        QCOMPARE(doc["layers"].size(), size_t(4));
        for (const auto& file : doc["written"])
            QVERIFY2(fs::exists(file.get<std::string>()), file.dump().c_str());
        QVERIFY(doc["final"]["cost"].get<double>() <= doc["initial"]["cost"].get<double>());
    }

    void exportJson()
    {
        const QString out = path("vivado");
        const nlohmann::json doc
            = jsonOf({ QStringLiteral("export"), m_design, QStringLiteral("--vivado"), out, QStringLiteral("--part"),
                         QStringLiteral("xcvu13p"), QStringLiteral("--clock-ns"), QStringLiteral("4") },
                "export",
                { { "top", kString }, { "part", kString }, { "clockNs", kNumber }, { "output", kString },
                    { "rtlFiles", kInt }, { "files", kArray }, { "pblocks", kArray }, { "notes", kArray } });
        if (QTest::currentTestFailed()) return;
        QCOMPARE(doc["clockNs"].get<double>(), 4.0);
        int rtl = 0;
        for (const auto& entry : fs::directory_iterator(out.toStdString() + "/rtl"))
            rtl += entry.is_regular_file();
        QCOMPARE(doc["rtlFiles"].get<int>(), rtl);
        for (const auto& file : doc["files"])
            QVERIFY2(fs::exists(out.toStdString() + "/" + file.get<std::string>()), file.dump().c_str());
    }
};

QTEST_GUILESS_MAIN(TestCliConventions)
#include "test_cli_conventions.moc"
