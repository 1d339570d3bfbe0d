// Inputs are regular files of bounded size and read as what they are (issue 29): a FIFO blocked a reader
// forever and /dev/zero filled memory; a CSV's rows were regrouped into samples of another width. Label faults.

#include "core/error_of.h"
#include "project/project_file.h"
#include "sim/csv.h"
#include "sim/dataset.h"
#include "sim/npy.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sys/stat.h>

using namespace luthier;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& file, const std::string& text)
{
    std::ofstream(file, std::ios::binary) << text;
}

} // namespace

class TestFaultsInputs : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path root() const { return fs::path(m_tmp.path().toStdString()); }

private Q_SLOTS:
    // A FIFO blocked the reader forever, /dev/zero filled memory: both refused before reading (issue 29).
    void inputsMustBeRegularFiles_data()
    {
        QTest::addColumn<QString>("reader");
        QTest::addColumn<QString>("source");
        for (const char* reader : { "npy", "csv", "project" }) {
            QTest::newRow((std::string(reader) + " fifo").c_str()) << reader << "fifo";
            QTest::newRow((std::string(reader) + " /dev/zero").c_str()) << reader << "/dev/zero";
        }
    }
    void inputsMustBeRegularFiles()
    {
        QFETCH(QString, reader);
        QFETCH(QString, source);
        std::string path = source.toStdString();
        if (source == "fifo") {
            path = (root() / ("input." + reader.toStdString())).string();
            fs::remove(path);
            QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
        }
        const std::string message = test::errorOf([&] {
            if (reader == "npy")
                sim::readNpy(path);
            else if (reader == "csv")
                sim::readCsv(path);
            else
                project::loadProject(path);
        });
        const std::string kind = source == "fifo" ? "(a FIFO)" : "(a device)";
        QVERIFY2(message.find(path + ": ") == 0 && message.find("is not a regular file " + kind) != std::string::npos,
            message.c_str());
    }

    // 16 rows of 17 values were read as "17 samples" of a 16-input model; rows are samples, so it is refused.
    void csvRowsAreNotRegroupedIntoSamples()
    {
        const fs::path path = root() / "16x17.csv";
        std::string text;
        for (int r = 0; r < 16; ++r) {
            for (int c = 0; c < 17; ++c)
                text += (c ? "," : "") + std::to_string(r + c);
            text += "\n";
        }
        put(path, text);
        const std::string message = test::errorOf([&] { sim::loadInputs(path.string(), { 16 }); });
        QVERIFY2(message.find("is not a batch of model inputs of shape [16]") != std::string::npos, message.c_str());
        QCOMPARE(sim::loadInputs(path.string(), { 17 }).count, int64_t(16)); // the right width reads 16 samples
    }
};

QTEST_GUILESS_MAIN(TestFaultsInputs)
#include "test_faults_inputs.moc"
