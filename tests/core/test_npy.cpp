// .npy reading and writing: hand-made files for every supported dtype, the shared MNIST arrays (whose
// shapes and dtypes models/README.md states), round trips, and clear errors for unsupported files.

#include "sim/dataset.h"
#include "sim/npy.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace luthier;

namespace {

std::string npyBytes(
    const std::string& descr, const std::string& shape, const std::string& data, const std::string& fortran = "False")
{
    const std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n";
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(dict.size() & 0xff);
    out += char(dict.size() >> 8);
    return out + dict + data;
}

std::string raw(std::initializer_list<uint8_t> bytes)
{
    return std::string(bytes.begin(), bytes.end());
}

void expectError(const std::string& bytes, const char* fragment)
{
    try {
        sim::parseNpy(bytes, "bad.npy");
        QFAIL("expected an error");
    } catch (const Error& e) {
        const std::string what = e.what();
        QVERIFY2(what.find("bad.npy") != std::string::npos && what.find(fragment) != std::string::npos, e.what());
    }
}

} // namespace

class TestNpy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dtypes()
    {
        // int8 {-1, 2}: bytes 0xff 0x02.  uint16 {258}: 0x02 0x01.  bool {1, 0, 1}.  float32 1.5 = 0x3fc00000.
        sim::NpyArray a = sim::parseNpy(npyBytes("|i1", "(2,)", raw({ 0xff, 0x02 })), "a");
        QCOMPARE(a.ints, (std::vector<int64_t> { -1, 2 }));
        a = sim::parseNpy(npyBytes("<u2", "(1,)", raw({ 0x02, 0x01 })), "a");
        QCOMPARE(a.ints, (std::vector<int64_t> { 258 }));
        a = sim::parseNpy(npyBytes("|b1", "(3,)", raw({ 1, 0, 1 })), "a");
        QCOMPARE(a.type, sim::NpyType::Bool);
        QCOMPARE(a.values, (std::vector<double> { 1, 0, 1 }));
        a = sim::parseNpy(npyBytes("<f4", "(1, 1)", raw({ 0x00, 0x00, 0xc0, 0x3f })), "a");
        QCOMPARE(a.shape, (std::vector<int64_t> { 1, 1 }));
        QCOMPARE(a.values, (std::vector<double> { 1.5 }));
        a = sim::parseNpy(npyBytes("<i8", "()", raw({ 7, 0, 0, 0, 0, 0, 0, 0 })), "scalar");
        QCOMPARE(a.count(), int64_t(1));
        QCOMPARE(a.ints, (std::vector<int64_t> { 7 }));
    }

    void sharedMnist()
    {
        // models/README.md: 2000x1x28x28 float32 in [0, 1] and int64 labels.
        const sim::NpyArray x = sim::readNpy(std::string(LUTHIER_SHARED_DIR) + "/data/mnist_x_2k.npy");
        QCOMPARE(x.shape, (std::vector<int64_t> { 2000, 1, 28, 28 }));
        QCOMPARE(x.type, sim::NpyType::Float32);
        QCOMPARE(*std::min_element(x.values.begin(), x.values.end()), 0.0);
        QCOMPARE(*std::max_element(x.values.begin(), x.values.end()), 1.0);
        const std::vector<int64_t> y = sim::loadLabels(std::string(LUTHIER_SHARED_DIR) + "/data/mnist_y_2k.npy", 2000);
        QVERIFY(*std::max_element(y.begin(), y.end()) == 9);
        // 784 values per sample also fit a model declaring a flat input.
        const sim::Dataset d = sim::loadInputs(std::string(LUTHIER_SHARED_DIR) + "/data/mnist_x_2k.npy", { 784 });
        QCOMPARE(d.count, int64_t(2000));
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.npy").toStdString();
        sim::writeNpy(path, { 2, 3 }, std::vector<float> { 1, 2, 3, 4, 5, 6.5f });
        sim::NpyArray a = sim::readNpy(path);
        QCOMPARE(a.shape, (std::vector<int64_t> { 2, 3 }));
        QCOMPARE(a.values, (std::vector<double> { 1, 2, 3, 4, 5, 6.5 }));
        sim::writeNpy(path, { 3 }, std::vector<int64_t> { -5, 0, int64_t(1) << 40 });
        a = sim::readNpy(path);
        QCOMPARE(a.type, sim::NpyType::Int64);
        QCOMPARE(a.ints, (std::vector<int64_t> { -5, 0, int64_t(1) << 40 }));
        // numpy requires the data offset to be a multiple of 64 (format version 1.0 uses 16; 64 since 1.17).
        QCOMPARE(sim::encodeNpy({ 1 }, { 0.f }).size() % 64, size_t(4));
    }

    void errors()
    {
        expectError("hello", "bad magic");
        expectError(npyBytes("<f4", "(2,)", raw({ 0, 0, 0, 0 })), "truncated data");
        expectError(npyBytes("<f4", "(2,)", std::string(8, '\0'), "True"), "Fortran");
        expectError(npyBytes(">f4", "(1,)", std::string(4, '\0')), "big-endian");
        expectError(npyBytes("<c8", "(1,)", std::string(8, '\0')), "unsupported dtype");
        expectError(npyBytes("<f4", "(100000, 100000, 100000)", ""), "limit");
        expectError(npyBytes("<f4", "(2, x)", ""), "malformed shape");
    }

    void labels()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("onehot.npy").toStdString();
        sim::writeNpy(path, { 2, 3 }, std::vector<float> { 0, 1, 0, 0, 0, 1 });
        QCOMPARE(sim::loadLabels(path), (std::vector<int64_t> { 1, 2 }));
        try {
            sim::loadLabels(path, 5);
            QFAIL("expected a count error");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("2 labels for 5") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestNpy)
#include "test_npy.moc"
