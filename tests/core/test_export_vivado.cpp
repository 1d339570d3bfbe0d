// The Vivado export (export/vivado_export.h) on a hand-written two-layer design folder
// (tests/data/vivado/design_tiny). Vivado cannot be installed here, so the generated scripts run in
// tclsh with stub procs for every Vivado command they use (tests/data/vivado/vivado_stubs.tcl); the
// stubs refuse missing files, an unknown top module and steps out of order, and log every call, which
// the tests compare with what the design and options demand. The folders are deliberately named with
// spaces, quotes, brackets, braces and dollar signs.

#include "export/design_manifest.h"
#include "export/tcl_text.h"
#include "export/vivado_export.h"
#include "export/vivado_parts.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using namespace luthier;

namespace {

const fs::path kDataDir = fs::path(LUTHIER_SOURCE_DIR) / "tests" / "data" / "vivado";
const char* kWeirdModel = "my \"net\" [v2] $HOME {x} ; exit 1 \\";
const char* kWeirdRtl = "extra [odd] $name {v}.v";

struct LogLine {
    QString kind, command;
    QStringList args;
};

QString unescape(QString field)
{
    return field.replace(QStringLiteral("\\t"), QStringLiteral("\t"))
        .replace(QStringLiteral("\\n"), QStringLiteral("\n"));
}

std::vector<LogLine> readLog(const QString& path)
{
    std::vector<LogLine> lines;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return lines;
    for (const QByteArray& raw : file.readAll().split('\n')) {
        if (raw.isEmpty()) continue;
        QStringList fields = QString::fromUtf8(raw).split(QLatin1Char('\t'));
        LogLine line { fields.value(0), fields.value(1), {} };
        for (int i = 2; i < fields.size(); ++i)
            line.args << unescape(fields[i]);
        lines.push_back(line);
    }
    return lines;
}

std::vector<LogLine> select(const std::vector<LogLine>& log, const QString& kind, const QString& command)
{
    std::vector<LogLine> out;
    for (const LogLine& line : log)
        if (line.kind == kind && line.command == command) out.push_back(line);
    return out;
}

QString normal(const fs::path& path)
{
    return QString::fromStdString(fs::weakly_canonical(path).string());
}

} // namespace

class TestExportVivado : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    fs::path m_design; // a copy of design_tiny in a folder with an awkward name, plus a weird file
    fs::path m_out;
    exporter::DesignManifest m_manifest;
    std::vector<exporter::PblockSpec> m_pblocks;
    exporter::VivadoOptions m_options;

    // Runs `tclsh vivado_stubs.tcl LOG SCRIPT ARGS...` from an unrelated working folder, so the scripts
    // must find their files relative to themselves.
    std::vector<LogLine> runStubbed(const QString& script, const QStringList& args)
    {
        const QString log = m_tmp.filePath(QStringLiteral("stub.log"));
        QFile::remove(log);
        QProcess tclsh;
        tclsh.setWorkingDirectory(QDir::tempPath());
        tclsh.start(QStringLiteral("tclsh"),
            QStringList { QString::fromStdString((kDataDir / "vivado_stubs.tcl").string()), log,
                QString::fromStdString((m_out / script.toStdString()).string()) }
                + args);
        if (!tclsh.waitForFinished(30000)) qFatal("tclsh did not finish");
        const QString errors = QString::fromUtf8(tclsh.readAllStandardError());
        if (tclsh.exitCode() != 0) qWarning().noquote() << errors;
        [&] { QCOMPARE(tclsh.exitCode(), 0); }();
        return readLog(log);
    }

    QStringList rtlPaths(bool mem) const
    {
        QStringList paths;
        for (const fs::path& file : m_manifest.files)
            if ((file.extension() == ".mem") == mem) paths << normal(m_out / "rtl" / file.filename());
        return paths;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        if (QStandardPaths::findExecutable(QStringLiteral("tclsh")).isEmpty())
            QFAIL("tclsh is required (Debian package tcl, installed by scripts/deps.sh)");
        const fs::path root = m_tmp.path().toStdString();
        m_design = root / "design folder [v1] $x {y}";
        fs::copy(kDataDir / "design_tiny", m_design, fs::copy_options::recursive);
        {
            std::ofstream(m_design / kWeirdRtl)
                << "// a file whose name needs quoting\nmodule extra_module;\nendmodule\n";
            nlohmann::json doc = nlohmann::json::parse(std::ifstream(m_design / "manifest.json"));
            doc["model"] = kWeirdModel;
            doc["files"].push_back(kWeirdRtl);
            std::ofstream(m_design / "manifest.json") << doc.dump(2);
        }
        m_manifest = exporter::loadDesignManifest(m_design);
        m_out = root / "vivado out [1] $PATH {z} \"q\"";
        // Hand-written placement constraints in xc7z020 site coordinates: SLICE X0..X163 Y0..Y149,
        // DSP48 X0..X2 Y0..Y59, RAMB36 X0..X4 Y0..Y29 (Zynq-7020 has 13,300 slices, 220 DSPs, 140 RAMB36).
        m_pblocks = { { "dense_0", "u_layer0", { { "SLICE", 0, 0, 19, 49 }, { "RAMB36", 0, 0, 0, 9 } } },
            { "dense_1", "u_layer1", { { "SLICE", 20, 0, 39, 49 }, { "DSP48", 0, 0, 0, 19 } } } };
        m_options.part = exporter::vivadoPart(m_manifest.part);
        m_options.clockNs = *m_manifest.clockNs;
        Progress progress;
        exporter::writeVivadoProject(m_manifest, m_pblocks, m_options, m_out, progress);
    }

    void manifestIsRead()
    {
        QCOMPARE(QString::fromStdString(m_manifest.top), QStringLiteral("tiny_top"));
        QCOMPARE(QString::fromStdString(m_manifest.clock), QStringLiteral("clk"));
        QCOMPARE(QString::fromStdString(m_manifest.reset), QStringLiteral("rst"));
        QCOMPARE(m_manifest.ports.size(), size_t(6));
        QCOMPARE(m_manifest.ports[3].width, 8);
        QCOMPARE(m_manifest.files.size(), size_t(5));
        QCOMPARE(m_manifest.layers.size(), size_t(2));
        QCOMPARE(QString::fromStdString(m_manifest.layers[1].instance), QStringLiteral("u_layer1"));
        QCOMPARE(m_manifest.layers[0].estimate.lut, 32.0);
        QCOMPARE(QString::fromStdString(m_options.part), QStringLiteral("xc7z020clg400-1"));
    }

    void badManifestsNameTheProblem_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing file") << "files"
                                      << R"(["nope.v"])"
                                      << "files[0]: file 'nope.v' does not exist";
        QTest::newRow("escaping file") << "files"
                                       << R"(["../x.v"])"
                                       << "must be a path inside the design folder";
        QTest::newRow("bad top") << "top"
                                 << R"("top; exit")"
                                 << "top: 'top; exit' is not a plain Verilog identifier";
        QTest::newRow("clock not a port") << "clock"
                                          << R"("clk2")"
                                          << "clock: 'clk2' is not one of the input ports";
    }

    void badManifestsNameTheProblem()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const fs::path design = dir.path().toStdString();
        fs::copy(kDataDir / "design_tiny", design, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        nlohmann::json doc = nlohmann::json::parse(std::ifstream(design / "manifest.json"));
        doc[key.toStdString()] = nlohmann::json::parse(value.toStdString());
        std::ofstream(design / "manifest.json") << doc.dump();
        try {
            exporter::loadDesignManifest(design);
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("manifest.json")));
        }
    }

    // tclWord must give back exactly the original text after Tcl parses it: checked by tclsh itself.
    void tclWordRoundTripsThroughTclsh()
    {
        const std::vector<std::string> texts = { "plain", "with space", "quote\"d", "[exec rm -rf /]", "$env(HOME)",
            "{unbalanced", "back\\slash", "semi;colon", "#hash", "tab\there", "new\nline", "", "\x01\x7f", "ünïcödé",
            "in_data[*]", "*", "{*}", "a\"b c", kWeirdModel };
        QString script;
        for (const std::string& text : texts)
            script += QStringLiteral("puts -nonewline [string length %1]:; puts -nonewline %1; puts -nonewline |\n")
                          .arg(QString::fromStdString(exporter::tclWord(text)));
        QProcess tclsh;
        tclsh.start(QStringLiteral("tclsh"));
        tclsh.write("fconfigure stdout -encoding utf-8 -translation lf\nencoding system utf-8\n");
        tclsh.write(script.toUtf8());
        tclsh.closeWriteChannel();
        QVERIFY(tclsh.waitForFinished(10000));
        QCOMPARE(tclsh.exitCode(), 0);
        QString expected;
        for (const std::string& text : texts) {
            const QString q = QString::fromStdString(text);
            expected += QString::number(q.size()) + QLatin1Char(':') + q + QLatin1Char('|');
        }
        QCOMPARE(QString::fromUtf8(tclsh.readAllStandardOutput()), expected);
    }

    void sanitisedNames()
    {
        QCOMPARE(QString::fromStdString(exporter::sanitiseName("3x3 conv [a]", "f")), QStringLiteral("_3x3_conv__a_"));
        QCOMPARE(QString::fromStdString(exporter::sanitiseName("", "fallback")), QStringLiteral("fallback"));
        QVERIFY(exporter::isVerilogIdentifier("u_layer0"));
        QVERIFY(!exporter::isVerilogIdentifier("0layer"));
        QVERIFY(!exporter::isVerilogIdentifier("a$b"));
    }

    void vivadoParts()
    {
        QCOMPARE(QString::fromStdString(exporter::vivadoPart("xcvu13p")), QStringLiteral("xcvu13p-flga2577-1-e"));
        QCOMPARE(QString::fromStdString(exporter::vivadoPart("xczu9eg-ffvb1156-2-e")),
            QStringLiteral("xczu9eg-ffvb1156-2-e"));
        QVERIFY_THROWS_EXCEPTION(Error, exporter::vivadoPart("ice40up5k"));
        QVERIFY_THROWS_EXCEPTION(Error, exporter::vivadoPart("xc7z020; exit"));
        QVERIFY_THROWS_EXCEPTION(Error, exporter::vivadoPart("xc7a35t"));
    }

    void folderHasEveryFile()
    {
        for (const char* file : { "rtl/tiny_top.v", "rtl/tiny_layer0.v", "rtl/tiny_layer1.v", "rtl/tiny_layer0_rom.mem",
                 "constraints/clock.xdc", "constraints/pblocks.xdc", "create_project.tcl", "build.tcl", "Makefile",
                 "README.md", "manifest.json" })
            QVERIFY2(fs::is_regular_file(m_out / file), file);
        QVERIFY(fs::is_regular_file(m_out / "rtl" / kWeirdRtl));
        // The copied ROM is byte-identical to the design's.
        std::ifstream a(m_design / "tiny_layer0_rom.mem"), b(m_out / "rtl" / "tiny_layer0_rom.mem");
        QVERIFY(
            std::string(std::istreambuf_iterator<char>(a), {}) == std::string(std::istreambuf_iterator<char>(b), {}));
    }

    void createProjectRunsAgainstStubs()
    {
        const auto log = runStubbed(QStringLiteral("create_project.tcl"), {});
        const auto create = select(log, "call", "create_project");
        QCOMPARE(create.size(), size_t(1));
        // The project name is the model name reduced to [A-Za-z0-9_]; the folder sits next to the script.
        const QString project = QString::fromStdString(exporter::sanitiseName(kWeirdModel, "x"));
        QCOMPARE(
            create[0].args, QStringList({ project, normal(m_out / "project"), "-part", "xc7z020clg400-1", "-force" }));
        QVERIFY(fs::is_directory(m_out / "project"));

        QStringList sources, constraints;
        for (const LogLine& line : select(log, "call", "add_files")) {
            const int at = line.args.indexOf(QStringLiteral("-fileset"));
            (line.args.value(at + 1) == QLatin1String("constrs_1") ? constraints : sources) << line.args;
        }
        QStringList added;
        for (const LogLine& line : select(log, "file", "add_files"))
            added << line.args;
        // Verilog only: the .mem ROM images are copied for reference, but the Verilog holds their contents inline.
        QStringList expected = rtlPaths(false);
        expected << normal(m_out / "constraints" / "clock.xdc") << normal(m_out / "constraints" / "pblocks.xdc");
        QCOMPARE(added, expected);

        bool topSet = false, oocSet = false;
        for (const LogLine& line : select(log, "call", "set_property")) {
            topSet |= line.args.value(0) == QLatin1String("top") && line.args.value(1) == QLatin1String("tiny_top");
            oocSet |= line.args.contains(QStringLiteral("-mode out_of_context"));
        }
        QVERIFY(topSet);
        QVERIFY(oocSet);
        // The constraint files were parsed as XDC while being added.
        QCOMPARE(select(log, "xdc", "create_clock").size(), size_t(1));
        QCOMPARE(select(log, "xdc", "create_pblock").size(), size_t(2));
    }

    void buildSynthThenImpl()
    {
        const QString project = QString::fromStdString(exporter::sanitiseName(kWeirdModel, "x"));
        fs::remove_all(m_out / "checkpoints");
        fs::remove_all(m_out / "reports");

        auto log = runStubbed(QStringLiteral("build.tcl"), { QStringLiteral("synth") });
        QStringList verilog, mem;
        for (const LogLine& line : select(log, "file", "read_verilog"))
            verilog << line.args;
        for (const LogLine& line : select(log, "file", "read_mem"))
            mem << line.args;
        QCOMPARE(verilog, rtlPaths(false));
        QVERIFY(mem.isEmpty()); // nothing in the Verilog reads the .mem images ($readmemh)
        QVERIFY(!rtlPaths(true).isEmpty());
        const auto synth = select(log, "call", "synth_design");
        QCOMPARE(synth.size(), size_t(1));
        QCOMPARE(synth[0].args,
            QStringList({ "-top", "tiny_top", "-part", "xc7z020clg400-1", "-mode", "out_of_context",
                "-flatten_hierarchy", "rebuilt" }));
        QVERIFY(select(log, "call", "place_design").empty());
        QVERIFY(fs::is_regular_file(m_out / "checkpoints" / (project.toStdString() + "_post_synth.dcp")));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_synth_utilization_hierarchical.rpt"));
        // report_utilization has no -format option (UG835): no XML copy is attempted.
        QVERIFY(!fs::exists(m_out / "reports" / "post_synth_utilization_hierarchical.xml"));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_synth_timing_summary.rpt"));

        log = runStubbed(QStringLiteral("build.tcl"), { QStringLiteral("impl") });
        QVERIFY(select(log, "call", "synth_design").empty()); // reuses the synthesis checkpoint
        QCOMPARE(select(log, "call", "open_checkpoint").size(), size_t(1));
        QStringList steps;
        for (const LogLine& line : log)
            if (line.kind == QLatin1String("call") && line.command.endsWith(QLatin1String("_design")))
                steps << line.command;
        QCOMPARE(steps, QStringList({ "opt_design", "place_design", "route_design" }));
        for (const char* stage : { "post_opt", "post_place", "post_route" })
            QVERIFY(fs::is_regular_file(m_out / "checkpoints" / (project.toStdString() + "_" + stage + ".dcp")));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_route_utilization_hierarchical.rpt"));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_route_utilization_pblocks.rpt"));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_route_timing_summary.rpt"));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_route_route_status.rpt"));
        QVERIFY(fs::is_regular_file(m_out / "reports" / "post_route_drc.rpt"));
    }

    void implWithoutCheckpointSynthesisesFirst()
    {
        fs::remove_all(m_out / "checkpoints");
        const auto log = runStubbed(QStringLiteral("build.tcl"), { QStringLiteral("impl") });
        QCOMPARE(select(log, "call", "synth_design").size(), size_t(1));
        QCOMPARE(select(log, "call", "route_design").size(), size_t(1));
    }

    void clockConstraints()
    {
        const auto log = runStubbed(QStringLiteral("build.tcl"), { QStringLiteral("synth") });
        const auto clocks = select(log, "xdc", "create_clock");
        QCOMPARE(clocks.size(), size_t(1));
        QCOMPARE(clocks[0].args, QStringList({ "-period", "4.000", "-name", "clk", "clk" }));
        // Out of context the clock needs a source buffer, or Vivado times it as ideal.
        bool clockSource = false;
        for (const LogLine& line : select(log, "xdc", "set_property"))
            clockSource |= line.args == QStringList({ "HD.CLK_SRC", "BUFGCTRL_X0Y0", "clk" });
        QVERIFY(clockSource);
        // 20% of the 4 ns period on each side, on every port except the clock; buses by their bits.
        QStringList inputs, outputs;
        for (const LogLine& line : select(log, "xdc", "set_input_delay")) {
            QCOMPARE(line.args.mid(0, 3), QStringList({ "-clock", "clk", "0.800" }));
            inputs << line.args.value(3);
        }
        for (const LogLine& line : select(log, "xdc", "set_output_delay")) {
            QCOMPARE(line.args.mid(0, 3), QStringList({ "-clock", "clk", "0.800" }));
            outputs << line.args.value(3);
        }
        QCOMPARE(inputs, QStringList({ "rst", "in_valid", "in_data[*]" }));
        QCOMPARE(outputs, QStringList({ "out_valid", "out_data[*]" }));
    }

    void pblocksTargetRealInstances()
    {
        const auto log = runStubbed(QStringLiteral("build.tcl"), { QStringLiteral("impl") });
        QStringList ranges;
        for (const LogLine& line : select(log, "xdc", "resize_pblock"))
            ranges << line.args.value(0) + QLatin1Char(' ') + line.args.value(2);
        QCOMPARE(ranges,
            QStringList({ "pblock_u_layer0 SLICE_X0Y0:SLICE_X19Y49", "pblock_u_layer0 RAMB36_X0Y0:RAMB36_X0Y9",
                "pblock_u_layer1 SLICE_X20Y0:SLICE_X39Y49", "pblock_u_layer1 DSP48_X0Y0:DSP48_X0Y19" }));
        // Every cell put into a pblock is an instance of the named layer module in the top's Verilog.
        std::ifstream top(m_out / "rtl" / "tiny_top.v");
        const QString verilog = QString::fromStdString(std::string(std::istreambuf_iterator<char>(top), {}));
        const auto cells = select(log, "xdc", "get_cells");
        QCOMPARE(cells.size(), size_t(2));
        for (size_t i = 0; i < cells.size(); ++i) {
            const QString instance = cells[i].args.value(0);
            const QString module = QString::fromStdString(m_manifest.layers[i].module);
            QVERIFY2(
                verilog.contains(module + QLatin1Char(' ') + instance + QStringLiteral(" (")), qPrintable(instance));
        }
    }

    void makefileDrivesTheFlow()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("make")).isEmpty()) QSKIP("make is not installed");
        fs::remove_all(m_out / "checkpoints");
        const QString log = m_tmp.filePath(QStringLiteral("make.log"));
        QProcess make;
        make.setWorkingDirectory(QString::fromStdString(m_out.string()));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LUTHIER_STUB_LOG"), log);
        make.setProcessEnvironment(env);
        make.start(QStringLiteral("make"),
            { QStringLiteral("synth"),
                QStringLiteral("VIVADO=sh ") + QString::fromStdString((kDataDir / "fake_vivado.sh").string()) });
        QVERIFY(make.waitForFinished(30000));
        QVERIFY2(make.exitCode() == 0, make.readAllStandardError().constData());
        QCOMPARE(select(readLog(log), "call", "synth_design").size(), size_t(1));
        QVERIFY(fs::is_directory(m_out / "logs"));
    }

    void readmeNamesTheCommands()
    {
        std::ifstream in(m_out / "README.md");
        const std::string readme(std::istreambuf_iterator<char>(in), {});
        for (const char* needle :
            { "make synth", "make impl", "create_project.tcl", "build.tcl", "constraints/clock.xdc",
                "constraints/pblocks.xdc", "luthier-cli import-report", "u_layer0", "xc7z020clg400-1" })
            QVERIFY2(readme.find(needle) != std::string::npos, needle);
    }

    void pblockForUnknownInstanceIsRefused()
    {
        exporter::PblockSpec bad { "ghost", "u_ghost", { { "SLICE", 0, 0, 1, 1 } } };
        Progress progress;
        QTemporaryDir dir;
        try {
            exporter::writeVivadoProject(m_manifest, { bad }, m_options, dir.path().toStdString(), progress);
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("u_ghost")));
        }
    }
};

QTEST_GUILESS_MAIN(TestExportVivado)
#include "test_export_vivado.moc"
