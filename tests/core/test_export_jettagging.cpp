// The Vivado export of a real compiled design: the shared qkeras_jettagging model, compiled the way
// `luthier-cli compile` does (import, integer lowering, TLMAC mapping, Verilog emission), exported for the
// xcvu13p with layer pblocks from placement constraints. The scripts run in tclsh against the stub Vivado
// commands of tests/data/vivado/vivado_stubs.tcl; the pblock site ranges are checked against the device
// model's own full-device ranges, and a hand-written UltraScale+ report with this design's instance names
// is matched back to its layers.

#include "arch/hw_design.h"
#include "device/device_loader.h"
#include "device/vivado_sites.h"
#include "export/design_manifest.h"
#include "export/pblocks_from_constraints.h"
#include "export/utilization_report.h"
#include "export/vivado_export.h"
#include "export/vivado_parts.h"
#include "onnx/importer.h"
#include "quant/lower.h"
#include "rtl/verilog_emitter.h"
#include "util/error.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace luthier;

namespace {

const fs::path kDataDir = fs::path(LUTHIER_SOURCE_DIR) / "tests" / "data" / "vivado";

struct LogLine {
    QString kind, command;
    QStringList args;
};

// The stub log: tab-separated fields, see vivado_stubs.tcl.
std::vector<LogLine> runStubbed(const fs::path& script, const QStringList& args, const QString& log)
{
    QFile::remove(log);
    QProcess tclsh;
    tclsh.start(QStringLiteral("tclsh"),
        QStringList { QString::fromStdString((kDataDir / "vivado_stubs.tcl").string()), log,
            QString::fromStdString(script.string()) }
            + args);
    std::vector<LogLine> lines;
    if (!tclsh.waitForFinished(30000) || tclsh.exitCode() != 0) {
        qWarning().noquote() << tclsh.readAllStandardError();
        return lines;
    }
    QFile file(log);
    if (!file.open(QIODevice::ReadOnly)) return lines;
    for (const QByteArray& raw : file.readAll().split('\n')) {
        if (raw.isEmpty()) continue;
        const QStringList fields = QString::fromUtf8(raw).split(QLatin1Char('\t'));
        lines.push_back({ fields.value(0), fields.value(1), fields.mid(2) });
    }
    return lines;
}

} // namespace

class TestExportJettagging : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    fs::path m_design, m_out;
    exporter::DesignManifest m_manifest;
    exporter::PblockConversion m_pblocks;
    std::optional<device::Device> m_device;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const ir::Graph graph = importer::importModel(LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx");
        const arch::HwDesign hw = arch::mapDesign(quant::lowerToInteger(graph), arch::MapOptions {});
        m_design = fs::path(m_tmp.path().toStdString()) / "jet design";
        rtl::writeFiles(m_design, rtl::emitDesign(hw));
        m_manifest = exporter::loadDesignManifest(m_design);

        m_device = device::findDevice("xcvu13p");
        // Layer pblocks as a user would draw them: the first layer in the bottom-left corner (exclusive),
        // the last one in the top-right corner of the grid. A unit pblock cannot become a Vivado pblock.
        const int w = m_device->width(), h = m_device->height();
        place::Constraints constraints;
        constraints.pblocks["MatMul_0"] = { { 0, 0, 30, 59 }, true };
        constraints.pblocks["MatMul_3"] = { { w - 20, h - 60, w - 1, h - 1 }, false };
        constraints.pblocks["MatMul_1/mux0"] = { { 40, 0, 50, 59 }, false };
        m_pblocks = exporter::pblocksFromConstraints(m_manifest, constraints, *m_device);

        exporter::VivadoOptions options;
        options.part = exporter::vivadoPart("xcvu13p");
        options.clockNs = 5.0;
        options.pblockNotes = m_pblocks.notes;
        m_out = fs::path(m_tmp.path().toStdString()) / "vivado [jet] $out";
        Progress progress;
        exporter::writeVivadoProject(m_manifest, m_pblocks.pblocks, options, m_out, progress);
    }

    void compiledManifestHasWhatTheExportNeeds()
    {
        QCOMPARE(QString::fromStdString(m_manifest.top), QStringLiteral("qkeras_jettagging_top"));
        QCOMPARE(QString::fromStdString(m_manifest.clock), QStringLiteral("clk"));
        QCOMPARE(m_manifest.layers.size(), size_t(4)); // the model's four Dense (MatMul) layers
        std::ifstream top(m_design / "qkeras_jettagging_top.v");
        const std::string verilog(std::istreambuf_iterator<char>(top), {});
        for (const auto& layer : m_manifest.layers)
            QVERIFY2(
                verilog.find(layer.module + " " + layer.instance + " (") != std::string::npos, layer.instance.c_str());
    }

    void everyDesignFileIsExported()
    {
        for (const fs::path& file : m_manifest.files)
            QVERIFY2(fs::is_regular_file(m_out / "rtl" / file.filename()), file.string().c_str());
        for (const char* file : { "constraints/clock.xdc", "constraints/pblocks.xdc", "create_project.tcl", "build.tcl",
                 "Makefile", "README.md", "manifest.json" })
            QVERIFY2(fs::is_regular_file(m_out / file), file);
    }

    void pblocksForLayersOnly()
    {
        QCOMPARE(m_pblocks.pblocks.size(), size_t(2));
        QCOMPARE(QString::fromStdString(m_pblocks.pblocks[0].instance), QStringLiteral("u_matmul_0"));
        QVERIFY(m_pblocks.pblocks[0].exclusive);
        QCOMPARE(QString::fromStdString(m_pblocks.pblocks[1].instance), QStringLiteral("u_matmul_3"));
        bool unitNote = false;
        for (const auto& note : m_pblocks.notes)
            unitNote = unitNote || note.find("MatMul_1/mux0") != std::string::npos;
        QVERIFY(unitNote);
    }

    void scriptsRunAndPblockRangesLieInsideTheDevice()
    {
        const QString log = m_tmp.filePath(QStringLiteral("stub.log"));
        auto lines = runStubbed(m_out / "build.tcl", { QStringLiteral("all") }, log);
        QVERIFY(!lines.empty());
        QStringList verilog;
        int synth = 0, route = 0;
        for (const auto& line : lines) {
            if (line.kind == QLatin1String("file") && line.command == QLatin1String("read_verilog"))
                verilog << QString::fromStdString(fs::path(line.args.value(0).toStdString()).filename().string());
            if (line.kind == QLatin1String("call") && line.command == QLatin1String("synth_design")) {
                ++synth;
                QCOMPARE(line.args.value(1), QStringLiteral("qkeras_jettagging_top"));
                QCOMPARE(line.args.value(3), QStringLiteral("xcvu13p-flga2577-1-e"));
            }
            route += line.kind == QLatin1String("call") && line.command == QLatin1String("route_design");
        }
        QCOMPARE(synth, 1);
        QCOMPARE(route, 1);
        QStringList expected;
        for (const fs::path& file : m_manifest.files)
            if (file.extension() == ".v") expected << QString::fromStdString(file.filename().string());
        QCOMPARE(verilog, expected);

        // The device model's ranges over the whole grid bound every legal site of each kind.
        std::map<std::string, exporter::SiteRange> full;
        for (const std::string& range : device::vivadoSiteRanges(*m_device, m_device->bounds())) {
            const auto parsed = exporter::parseSiteRange(range);
            full[parsed.siteType] = parsed;
        }
        QVERIFY(full.count("SLICE") && full.count("DSP48E2") && full.count("RAMB36"));
        int ranges = 0;
        for (const auto& line : lines) {
            if (line.kind != QLatin1String("xdc") || line.command != QLatin1String("resize_pblock")) continue;
            const auto range = exporter::parseSiteRange(line.args.value(2).toStdString());
            QVERIFY2(full.count(range.siteType), range.siteType.c_str());
            const auto& limit = full[range.siteType];
            QVERIFY(range.x0 >= limit.x0 && range.y0 >= limit.y0);
            QVERIFY2(range.x1 <= limit.x1 && range.y1 <= limit.y1, qPrintable(line.args.value(2)));
            ++ranges;
        }
        QVERIFY(ranges >= 2);
        // The top-right pblock reaches the last SLICE row and column of the device.
        const auto last = exporter::parseSiteRange(device::vivadoSiteRanges(*m_device,
            { m_device->width() - 20, m_device->height() - 60, m_device->width() - 1, m_device->height() - 1 })[0]);
        QCOMPARE(last.y1, full["SLICE"].y1);

        lines = runStubbed(m_out / "create_project.tcl", {}, log);
        QVERIFY(!lines.empty());
    }

    void rectangleOutsideTheDeviceIsAnError()
    {
        place::Constraints constraints;
        constraints.pblocks["MatMul_2"] = { { 0, 0, m_device->width(), 10 }, false };
        try {
            exporter::pblocksFromConstraints(m_manifest, constraints, *m_device);
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("MatMul_2")), e.what());
        }
    }

    void unitPblockOfAnUnknownLayerIsRefused()
    {
        // "Ghost/mux0" looks like a unit key but no layer is called "Ghost": an error, not a note about a layer.
        place::Constraints constraints;
        constraints.pblocks["Ghost/mux0"] = { { 0, 0, 10, 10 }, false };
        try {
            exporter::pblocksFromConstraints(m_manifest, constraints, *m_device);
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("'Ghost/mux0'")), e.what());
        }
    }

    void layerNamesWithSlashesKeepTheirUnits()
    {
        // TensorFlow names layers "model/dense/MatMul": a unit pblock inside such a layer names the whole layer.
        exporter::DesignManifest design = m_manifest;
        design.layers[1].name = "model/dense_1/MatMul";
        place::Constraints constraints;
        constraints.pblocks["model/dense_1/MatMul"] = { { 0, 0, 30, 59 }, false };
        constraints.pblocks["model/dense_1/MatMul/mux0"] = { { 40, 0, 50, 59 }, false };
        const auto converted = exporter::pblocksFromConstraints(design, constraints, *m_device);
        QCOMPARE(converted.pblocks.size(), size_t(1));
        QCOMPARE(QString::fromStdString(converted.pblocks[0].layer), QStringLiteral("model/dense_1/MatMul"));
        const auto unitNote = std::find_if(converted.notes.begin(), converted.notes.end(),
            [](const std::string& note) { return note.find("constrains a unit") != std::string::npos; });
        QVERIFY(unitNote != converted.notes.end());
        QVERIFY2(unitNote->find("inside layer 'model/dense_1/MatMul'") != std::string::npos, unitNote->c_str());
    }

    void vivadoReportMatchesTheLayers()
    {
        // Hand-written report in Vivado's UltraScale+ layout with this design's instance names.
        const auto report = exporter::loadUtilizationReport(kDataDir / "ultrascale_utilization_hierarchical.rpt");
        const auto layers = exporter::matchLayers(report, m_manifest);
        QCOMPARE(layers.size(), size_t(4));
        const double luts[] = { 6100, 3200, 2600, 445 };
        for (size_t i = 0; i < layers.size(); ++i) {
            QVERIFY(layers[i].vivado.has_value());
            QCOMPARE(layers[i].vivado->totalLuts, luts[i]);
            QVERIFY(layers[i].layer.estimate.lut > 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestExportJettagging)
#include "test_export_jettagging.moc"
