// Reading Vivado's hierarchical utilisation report (export/utilization_report.h). Vivado cannot run here,
// so the reports in tests/data/vivado/ are written by hand in Vivado's documented layout
// (`report_utilization -hierarchical`, UG835/UG906: an Instance/Module table, two spaces of indent per
// hierarchy level, "(name)" rows for a parent's own logic) and the variants seen in public reports:
// 7-series columns (DSP48 Blocks, no URAM), UltraScale+ columns (URAM, DSP Blocks) with
// -hierarchical_percentages cells like "12345(0.71%)" and a markdown-style separator, and the XML form.
// The expected numbers below are the ones typed into those fixtures.

#include "export/design_manifest.h"
#include "export/utilization_report.h"
#include "util/error.h"

#include <QTest>
#include <filesystem>

namespace fs = std::filesystem;
using namespace luthier;

namespace {
const fs::path kDataDir = fs::path(LUTHIER_SOURCE_DIR) / "tests" / "data" / "vivado";
}

class TestVivadoReport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sevenSeriesText()
    {
        const auto report = exporter::loadUtilizationReport(kDataDir / "tiny_post_route_utilization_hierarchical.rpt");
        QCOMPARE(QString::fromStdString(report.design), QStringLiteral("tiny_top"));
        QCOMPARE(QString::fromStdString(report.device), QStringLiteral("xc7z020clg400-1"));
        QCOMPARE(QString::fromStdString(report.designState), QStringLiteral("Routed"));
        QCOMPARE(report.rows.size(), size_t(4));
        QCOMPARE(report.rows[0].depth, 0);
        QCOMPARE(QString::fromStdString(report.rows[0].instance), QStringLiteral("tiny_top"));
        QCOMPARE(report.rows[0].totalLuts, 41.0);
        QVERIFY(report.rows[1].isLocal());
        QCOMPARE(report.rows[1].depth, 1);
        const auto& layer0 = report.rows[2];
        QCOMPARE(QString::fromStdString(layer0.instance), QStringLiteral("u_layer0"));
        QCOMPARE(QString::fromStdString(layer0.module), QStringLiteral("tiny_layer0"));
        QCOMPARE(layer0.depth, 1);
        QCOMPARE(layer0.totalLuts, 34.0);
        QCOMPARE(layer0.logicLuts, 30.0);
        QCOMPARE(layer0.lutrams, 4.0);
        QCOMPARE(layer0.ffs, 9.0);
        QCOMPARE(layer0.bram36(), 1.5); // one RAMB36 and one RAMB18
        QCOMPARE(report.rows[3].dsps, 2.0);
    }

    void layersMatchByInstance()
    {
        const auto design = exporter::loadDesignManifest(kDataDir / "design_tiny");
        const auto report = exporter::loadUtilizationReport(kDataDir / "tiny_post_route_utilization_hierarchical.rpt");
        const auto layers = exporter::matchLayers(report, design);
        QCOMPARE(layers.size(), size_t(2));
        QVERIFY(layers[0].vivado.has_value());
        QCOMPARE(QString::fromStdString(layers[0].layer.name), QStringLiteral("dense_0"));
        QCOMPARE(layers[0].vivado->totalLuts, 34.0);
        QCOMPARE(layers[0].layer.estimate.lut, 32.0);
        QCOMPARE(layers[1].vivado->ffs, 8.0);
    }

    void ultrascaleWithPercentages()
    {
        const auto report = exporter::loadUtilizationReport(kDataDir / "ultrascale_utilization_hierarchical.rpt");
        QCOMPARE(QString::fromStdString(report.design), QStringLiteral("qkeras_jettagging_top"));
        QCOMPARE(QString::fromStdString(report.device), QStringLiteral("xcvu13p-flga2577-1-e"));
        QCOMPARE(report.rows.size(), size_t(6));
        QCOMPARE(report.rows[0].totalLuts, 12345.0);
        QCOMPARE(report.rows[0].ffs, 5412.0); // "5,412(0.16%)"
        QCOMPARE(report.rows[0].uram, 1.0);
        QCOMPARE(report.rows[0].bram36(), 5.5); // 3 RAMB36 + 5 RAMB18
        QCOMPARE(report.rows[2].depth, 2);
        QCOMPARE(QString::fromStdString(report.rows[2].instance), QStringLiteral("adder_tree"));
        QCOMPARE(report.rows[3].depth, 1);
        QCOMPARE(report.rows[3].srls, 45.0);
        // The fixture's children add up to the top (checked by hand when it was written).
        double luts = 0, ffs = 0;
        for (const auto& row : report.rows)
            if (row.depth == 1) {
                luts += row.totalLuts;
                ffs += row.ffs;
            }
        QCOMPARE(luts, report.rows[0].totalLuts);
        QCOMPARE(ffs, report.rows[0].ffs);
    }

    void xmlForm()
    {
        const auto report = exporter::loadUtilizationReport(kDataDir / "tiny_post_synth_utilization_hierarchical.xml");
        QCOMPARE(report.rows.size(), size_t(3));
        QCOMPARE(report.rows[0].depth, 0);
        QCOMPARE(report.rows[1].depth, 1);
        QCOMPARE(QString::fromStdString(report.rows[1].instance), QStringLiteral("u_layer0"));
        QCOMPARE(report.rows[1].totalLuts, 34.0);
        QCOMPARE(report.rows[1].ramb36, 1.0);
        QCOMPARE(QString::fromStdString(report.rows[2].module), QStringLiteral("tiny_layer1&co"));
        QCOMPARE(report.rows[2].ffs, 8.0);
    }

    void missingLayerIsReportedNotInvented()
    {
        exporter::DesignManifest design;
        design.layers.push_back({ "gone", "m", "u_gone", "tlmac", {} });
        const auto report = exporter::loadUtilizationReport(kDataDir / "tiny_post_route_utilization_hierarchical.rpt");
        const auto layers = exporter::matchLayers(report, design);
        QCOMPARE(layers.size(), size_t(1));
        QVERIFY(!layers[0].vivado.has_value());
    }

    void badReportsNameTheProblem_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("flat report") << "| Site Type | Used |\n| Slice LUTs | 5 |\n"
                                     << "no hierarchical utilisation table";
        QTest::newRow("short row") << "| Instance | Module | Total LUTs | FFs |\n| top | (top) | 5 |\n"
                                   << "r.rpt:2: a row has 3 cells, the header 4";
        QTest::newRow("not a number") << "| Instance | Module | Total LUTs | FFs |\n| top | (top) | five | 1 |\n"
                                      << "r.rpt:2: 'five' is not a count";
        QTest::newRow("header only") << "| Instance | Module | Total LUTs | FFs |\n"
                                     << "table has no rows";
        QTest::newRow("xml without table") << "<?xml version=\"1.0\"?><RptDoc/>"
                                           << "no hierarchical utilisation table in this XML report";
    }

    void badReportsNameTheProblem()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            exporter::parseUtilizationReport(text.toStdString(), "r.rpt");
            QFAIL("expected luthier::Error");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestVivadoReport)
#include "test_vivado_report.moc"
