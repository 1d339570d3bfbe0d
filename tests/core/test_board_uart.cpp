// The UART board top in Verilator: the golden vectors of a shared model sent as request frames through the
// simulated serial line, every reply checked bit-exactly against the golden model's outputs and its class against
// the first largest expected output; then `luthier-cli board` against the same simulated board on a
// pseudo-terminal, matching and with a changed expectation. Also the host side of the protocol on hand bytes.

#include "implement/board_serial.h"
#include "implement/board_sim.h"
#include "implement/board_uart.h"
#include "pipeline/design_folder.h"
#include "rtl/test_vectors.h"
#include "verify/process.h"

#include <QtTest/QtTest>
#include <set>

using namespace luthier;

class TestBoardUart : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void packsAndUnpacksLittleEndian()
    {
        // 3 inputs of 3 bits: 5, 2, 7 -> in_data bits 101 010 111 (element 0 lowest) = 0b111'010'101 = 0x1D5.
        implement::BoardShape shape { "net", 3, 3, 2, 5, true };
        const uint64_t codes[] = { 5, 2, 7 };
        const std::vector<uint8_t> request = implement::packRequest(shape, codes);
        QCOMPARE(request, (std::vector<uint8_t> { 0xA5, 0xD5, 0x01 }));
        // Two signed 5-bit outputs -3 (11101) and 4 (00100): bits 00100 11101 = 0x09D, class byte 1.
        const uint8_t reply[] = { 0x5A, 0x9D, 0x00, 0x01 };
        const implement::Reply r = implement::parseReply(shape, reply);
        QCOMPARE(r.outputs, (std::vector<int64_t> { -3, 4 }));
        QCOMPARE(r.classIndex, int64_t(1));
        const uint8_t wrong[] = { 0xA5, 0, 0, 0 };
        QVERIFY_THROWS_EXCEPTION(Error, implement::parseReply(shape, wrong));
    }

    void initTestCase()
    {
        if (!verify::findProgram("verilator")) return;
        QVERIFY(m_tmp.isValid());
        m_dir = std::filesystem::path(m_tmp.path().toStdString()) / "design";
        pipeline::Options options;
        options.modelPath = std::string(LUTHIER_SHARED_DIR) + "/models/bnn_model_fc_1layer.onnx";
        options.datasetInputs = std::string(LUTHIER_SHARED_DIR) + "/models/reference/bnn_model_fc_1layer.input.npy";
        options.lutInputs = 4;
        pipeline::Pipeline build(options);
        Progress progress;
        pipeline::writeDesignFolder(build, m_dir, -1, progress);
        m_shape = implement::loadBoardShape(m_dir);
        m_vectors = rtl::readVectors(m_dir / rtl::kVectorsFile);
        m_harness = implement::buildBoardSimulator(m_dir, m_shape, m_dir.parent_path() / "board", kClksPerBit);
    }

    void goldenVectorsThroughTheUart()
    {
        if (m_harness.empty()) QSKIP("verilator is not installed");
        QCOMPARE(m_vectors.count(), int64_t(256));
        QCOMPARE(m_vectors.outputCount, m_shape.outputCount);
        std::vector<uint8_t> requests;
        for (int64_t v = 0; v < m_vectors.count(); ++v) {
            const auto frame = implement::packRequest(m_shape, &m_vectors.inputs[size_t(v * m_vectors.inputCount)]);
            requests.insert(requests.end(), frame.begin(), frame.end());
        }
        const std::vector<uint8_t> replies = implement::simulateBoard(m_harness, m_shape, kClksPerBit, requests);
        QCOMPARE(int64_t(replies.size()), m_vectors.count() * m_shape.replyBytes());
        std::set<int64_t> classes;
        for (int64_t v = 0; v < m_vectors.count(); ++v) {
            const implement::Reply r = implement::parseReply(m_shape, &replies[size_t(v * m_shape.replyBytes())]);
            const int64_t* expected = &m_vectors.expected[size_t(v * m_vectors.outputCount)];
            int64_t best = 0;
            for (int64_t o = 0; o < m_vectors.outputCount; ++o) {
                QCOMPARE(r.outputs[size_t(o)], expected[o]);
                if (expected[o] > expected[best]) best = o;
            }
            QCOMPARE(r.classIndex, best);
            classes.insert(best);
        }
        QVERIFY(classes.size() > 1); // the class byte is not a constant that happens to match
    }

    void boardCommandOnAPseudoTerminal()
    {
        // The harness plays the board on a pseudo-terminal; `luthier-cli board` talks to it as to /dev/ttyUSB1.
        if (m_harness.empty()) QSKIP("verilator is not installed");
        const int64_t count = 64;
        QProcess board;
        board.start(QString::fromStdString(m_harness.string()),
            { "serve", QString::number(count), QString::number(m_shape.requestBytes()),
                QString::number(m_shape.replyBytes()), QString::number(kClksPerBit) });
        QVERIFY(board.waitForStarted());
        QVERIFY(board.waitForReadyRead(30000));
        const QString pty = QString::fromLocal8Bit(board.readLine()).trimmed();
        QVERIFY2(pty.startsWith("/dev/pts/"), qPrintable(pty));
        QProcess cli;
        cli.start(QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli"),
            { "board", pty, QString::fromStdString(m_dir.string()), "--vectors", QString::number(count) });
        QVERIFY(cli.waitForFinished(120000));
        const QString out = QString::fromLocal8Bit(cli.readAllStandardOutput() + cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0, qPrintable(out));
        QVERIFY2(out.startsWith(QString("%1 vectors on %2: %1 match the golden model, 0 differ").arg(count).arg(pty)),
            qPrintable(out));
        QVERIFY(board.waitForFinished(30000));
        QCOMPARE(board.exitCode(), 0);
    }

    void boardCommandReportsAWrongReply()
    {
        // The same board answering vectors that expect other outputs: every changed vector is reported, exit 1.
        if (m_harness.empty()) QSKIP("verilator is not installed");
        QTemporaryDir tmp;
        const std::filesystem::path dir = tmp.path().toStdString();
        std::filesystem::copy_file(m_dir / "manifest.json", dir / "manifest.json");
        rtl::TestVectors wrong = m_vectors;
        wrong.inputs.resize(size_t(4 * wrong.inputCount));
        wrong.expected.resize(size_t(4 * wrong.outputCount));
        wrong.expected[size_t(2 * wrong.outputCount)] ^= 1; // vector 2, output 0
        rtl::writeVectors(dir / rtl::kVectorsFile, wrong);
        QProcess board;
        board.start(QString::fromStdString(m_harness.string()),
            { "serve", "4", QString::number(m_shape.requestBytes()), QString::number(m_shape.replyBytes()),
                QString::number(kClksPerBit) });
        QVERIFY(board.waitForReadyRead(30000));
        const QString pty = QString::fromLocal8Bit(board.readLine()).trimmed();
        QProcess cli;
        cli.start(QStringLiteral(LUTHIER_BINARY_DIR "/bin/luthier-cli"),
            { "board", pty, QString::fromStdString(dir.string()) });
        QVERIFY(cli.waitForFinished(120000));
        const QString out = QString::fromLocal8Bit(cli.readAllStandardOutput() + cli.readAllStandardError());
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(
            out.contains("3 match the golden model, 1 differ") && out.contains("vector 2 output 0"), qPrintable(out));
        board.waitForFinished(30000);
    }

private:
    static constexpr int64_t kClksPerBit
        = 5; // short, for a fast simulation; odd, so half a bit rounds as real divisors do
    QTemporaryDir m_tmp;
    std::filesystem::path m_dir, m_harness;
    implement::BoardShape m_shape;
    rtl::TestVectors m_vectors;
};

QTEST_GUILESS_MAIN(TestBoardUart)
#include "test_board_uart.moc"
