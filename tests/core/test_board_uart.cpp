// The UART board top in Verilator: the golden vectors of a shared model sent as request frames through the
// simulated serial line, every reply checked bit-exactly against the golden model's outputs and its class against
// the first largest expected output. Also the host side of the protocol on hand-packed bytes.

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

    void goldenVectorsThroughTheUart()
    {
        if (!verify::findProgram("verilator")) QSKIP("verilator is not installed");
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const std::filesystem::path dir = std::filesystem::path(tmp.path().toStdString()) / "design";
        pipeline::Options options;
        options.modelPath = std::string(LUTHIER_SHARED_DIR) + "/models/bnn_model_fc_1layer.onnx";
        options.datasetInputs = std::string(LUTHIER_SHARED_DIR) + "/models/reference/bnn_model_fc_1layer.input.npy";
        options.lutInputs = 4;
        pipeline::Pipeline build(options);
        Progress progress;
        pipeline::writeDesignFolder(build, dir, -1, progress);

        const implement::BoardShape shape = implement::loadBoardShape(dir);
        const rtl::TestVectors vectors = rtl::readVectors(dir / rtl::kVectorsFile);
        QCOMPARE(vectors.count(), int64_t(256));
        QCOMPARE(vectors.outputCount, shape.outputCount);
        std::vector<uint8_t> requests;
        for (int64_t v = 0; v < vectors.count(); ++v) {
            const auto frame = implement::packRequest(shape, &vectors.inputs[size_t(v * vectors.inputCount)]);
            requests.insert(requests.end(), frame.begin(), frame.end());
        }
        const int64_t clksPerBit = 5; // short, for a fast simulation; odd, so half a bit rounds as real divisors do
        const auto harness = implement::buildBoardSimulator(dir, shape, dir.parent_path() / "board", clksPerBit);
        const std::vector<uint8_t> replies = implement::simulateBoard(harness, shape, clksPerBit, requests);
        QCOMPARE(int64_t(replies.size()), vectors.count() * shape.replyBytes());
        std::set<int64_t> classes;
        for (int64_t v = 0; v < vectors.count(); ++v) {
            const implement::Reply r = implement::parseReply(shape, &replies[size_t(v * shape.replyBytes())]);
            const int64_t* expected = &vectors.expected[size_t(v * vectors.outputCount)];
            int64_t best = 0;
            for (int64_t o = 0; o < vectors.outputCount; ++o) {
                QCOMPARE(r.outputs[size_t(o)], expected[o]);
                if (expected[o] > expected[best]) best = o;
            }
            QCOMPARE(r.classIndex, best);
            classes.insert(best);
        }
        QVERIFY(classes.size() > 1); // the class byte is not a constant that happens to match
    }
};

QTEST_GUILESS_MAIN(TestBoardUart)
#include "test_board_uart.moc"
