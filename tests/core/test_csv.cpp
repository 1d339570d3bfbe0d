// CSV datasets: header detection, separators, and errors that name the line.

#include "sim/csv.h"
#include "sim/dataset.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace luthier;

class TestCsv : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse()
    {
        const sim::CsvTable t = sim::parseCsv("a,b,c\n1,2,3\n-4.5, 5e-1 ,6\n\n", "t.csv");
        QCOMPARE(t.header, (std::vector<std::string> { "a", "b", "c" }));
        QCOMPARE(t.rows, int64_t(2));
        QCOMPARE(t.cols, int64_t(3));
        QCOMPARE(t.values, (std::vector<double> { 1, 2, 3, -4.5, 0.5, 6 }));
        QCOMPARE(sim::parseCsv("1;2\r\n3;4\r\n", "t.csv").values, (std::vector<double> { 1, 2, 3, 4 }));
    }

    void errors()
    {
        try {
            sim::parseCsv("1,2\n3\n", "t.csv");
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("t.csv:2") != std::string::npos, e.what());
        }
        try {
            sim::parseCsv("1,2\n3,x\n", "t.csv");
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("t.csv:2: non-numeric") != std::string::npos, e.what());
        }
    }

    void datasetFromCsv()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("x.csv").toStdString();
        std::ofstream(path) << "f0,f1\n0.5,1\n2,3\n";
        const sim::Dataset d = sim::loadInputs(path, { 2 });
        QCOMPARE(d.count, int64_t(2));
        QCOMPARE(d.data, (std::vector<double> { 0.5, 1, 2, 3 }));
        try {
            sim::loadInputs(path, { 3 });
            QFAIL("expected a shape error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("[3]") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "test_csv.moc"
