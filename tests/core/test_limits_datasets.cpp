// Resource limits of the dataset readers on hostile input (issue 12): a .npy header can declare any shape
// in a few bytes, so the reader must refuse absurd or over-budget shapes from the header alone, before it
// allocates, and name the file and the reason. Runs each parse in a forked child (test_limits_isolated.h).

#include "sim/npy.h"
#include "test_limits_isolated.h"

#include <QtTest>

using namespace luthier;
using luthier::testing::Outcome;

namespace {

// A version 1.0 .npy file: magic, version, 2-byte little-endian header length, the header dict, `data`.
std::string npyBytes(const std::string& descr, const std::string& shape, const std::string& data)
{
    const std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(dict.size() & 0xff);
    out += char(dict.size() >> 8);
    return out + dict + data;
}

Outcome parse(const std::string& bytes, const sim::NpyLimits& limits = {})
{
    return luthier::testing::runIsolated([&] { sim::parseNpy(bytes, "hostile.npy", limits); });
}

void expectError(const Outcome& o, const char* fragment)
{
    QVERIFY2(!o.crashed && o.threwError, ("expected a luthier::Error, got: " + o.describe()).c_str());
    QVERIFY2(o.message.find("hostile.npy") != std::string::npos, o.message.c_str());
    QVERIFY2(o.message.find(fragment) != std::string::npos,
        ("the message should mention \"" + std::string(fragment) + "\": " + o.message).c_str());
    QVERIFY2(o.rssGrowthKb < 64 * 1024, o.describe().c_str());
}

} // namespace

class LimitsDatasetsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validFileParses()
    {
        // [1, 2] as little-endian int16: 0x0001 and 0x0002.
        const sim::NpyArray a = sim::parseNpy(npyBytes("<i2", "(2,)", std::string("\x01\x00\x02\x00", 4)), "ok.npy");
        QCOMPARE(a.shape, (std::vector<int64_t> { 2 }));
        QCOMPARE(a.ints, (std::vector<int64_t> { 1, 2 }));
    }

    void declaredShapeOverDefaultBudget()
    {
        // 10^5 x 10^5 x 10^5 = 10^15 float32 elements declared in a 70-byte file.
        expectError(parse(npyBytes("<f4", "(100000, 100000, 100000)", "")), "exceeds the limit of 2147483648");
    }

    void declaredShapeAtBudgetWithoutDataIsTruncated()
    {
        // Exactly the default budget of 2^31 elements is allowed by the shape check, but the file holds no
        // data: the reader must compare the 8 GiB it needs with the bytes present before allocating them.
        expectError(parse(npyBytes("<f4", "(2147483648,)", "")), "truncated data");
    }

    void digitsOverflowingInt64()
    {
        // 30 digits would wrap an int64 accumulator; the parser stops as soon as the value exceeds the budget.
        expectError(parse(npyBytes("<f8", "(999999999999999999999999999999,)", "")), "absurdly large");
    }

    void budgetIsConfigurable()
    {
        // 3 x 4 = 12 elements: one over a budget of 11 fails, a budget of 12 parses.
        const std::string bytes = npyBytes("|u1", "(3, 4)", std::string(12, '\x07'));
        sim::NpyLimits tight;
        tight.maxElements = 11;
        expectError(parse(bytes, tight), "exceeds the limit of 11");
        sim::NpyLimits exact;
        exact.maxElements = 12;
        const Outcome o = parse(bytes, exact);
        QVERIFY2(o.imported(), o.describe().c_str());
    }

    void tooManyDimensions()
    {
        std::string shape = "(";
        for (int i = 0; i < 40; ++i)
            shape += "1, ";
        shape += ")";
        expectError(parse(npyBytes("<f4", shape, std::string(4, '\0'))), "too many dimensions");
    }

    void headerLongerThanFile()
    {
        // The 2-byte length says 65535 header bytes; the file ends after 20.
        std::string bytes = npyBytes("<f4", "(1,)", "");
        bytes[8] = '\xff';
        bytes[9] = '\xff';
        bytes.resize(20);
        expectError(parse(bytes), "truncated header");
    }

    void version2HeaderLengthOf4GiB()
    {
        // Version 2 has a 4-byte header length: 0xffffffff must not be trusted as an allocation size.
        std::string bytes = "\x93NUMPY";
        bytes += char(2);
        bytes += char(0);
        bytes += std::string("\xff\xff\xff\xff", 4);
        bytes += "{'descr': '<f4'}";
        expectError(parse(bytes), "truncated header");
    }
};

QTEST_GUILESS_MAIN(LimitsDatasetsTest)
#include "test_limits_datasets.moc"
