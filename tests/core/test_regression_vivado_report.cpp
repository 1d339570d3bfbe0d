// Regression inputs for the Vivado utilisation report parser (core/export/utilization_report.cpp) that
// crashed it: each must load or throw luthier::Error, never take the process down. Each parse runs in a
// forked child (test_limits_isolated.h) so a crash fails its own case with the signal.
//
// vivado_xml_unclosed_tablerow.xml (128 KB): an XML report cut off inside its first <tablerow>. The row
//   regex's lazy [\s\S]*? then spans the rest of the file, and libstdc++'s backtracking std::regex recurses
//   once per character: SIGSEGV (stack overflow) from about 50 KB on with an 8 MiB stack.
// vivado_rpt_long_header_line.rpt (200 KB): a "| Design : ..." header line of 200000 characters; the
//   header-field regex's (.*?)\s*$ recurses the same way (crashes from about 100 KB).

#include "export/utilization_report.h"
#include "test_limits_isolated.h"

#include <QtTest>

using namespace luthier;

class RegressionVivadoReportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loadsOrFailsCleanly_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("fragment");
        // Neither file holds a complete hierarchical table, so the right answer is the parser's error.
        QTest::newRow("unclosed tablerow") << "vivado_xml_unclosed_tablerow.xml"
                                           << "<tablerow> is not closed";
        QTest::newRow("long header line") << "vivado_rpt_long_header_line.rpt"
                                          << "no hierarchical utilisation table";
    }

    void loadsOrFailsCleanly()
    {
        QFETCH(QString, file);
        QFETCH(QString, fragment);
        const std::string path = std::string(LUTHIER_SOURCE_DIR) + "/tests/data/regression/" + file.toStdString();
        // 20 s: a parse of these files takes milliseconds; under ASan the deep regex recursion runs far longer
        // instead of overflowing the stack, and must not hold CI up.
        const auto o = luthier::testing::runIsolated([&] { exporter::loadUtilizationReport(path); }, 20);
        QVERIFY2(!o.crashed, ("the parser crashed: " + o.describe()).c_str());
        QVERIFY2(o.threwError, o.describe().c_str());
        QVERIFY2(o.message.find(fragment.toStdString()) != std::string::npos, o.message.c_str());
    }
};

QTEST_GUILESS_MAIN(RegressionVivadoReportTest)
#include "test_regression_vivado_report.moc"
