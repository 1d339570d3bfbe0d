// Device files are user input: a grid size must be refused, with the file and key named, before anything
// proportional to it is allocated. Before the limits, ten "CLB*100000" column entries (a 1.6 KB file) made
// parseDevice build 10^6 columns of anchor prefixes (40 s, 625 MB), and 100000 rows x 100000 columns asked
// for 80 GB. Each hostile load runs in a forked child (test_limits_isolated.h) with a time limit, and its
// peak RSS growth must stay small.
//
// The fixtures start from the real xc7z020 model and change only the grid, so every other key is valid
// and the error can only come from the grid.

#include "device/device_loader.h"
#include "test_limits_isolated.h"

#include <QTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace luthier;
using nlohmann::json;

namespace {

json xc7z020()
{
    std::ifstream in(std::filesystem::path(LUTHIER_SOURCE_DIR) / "resources" / "devices" / "xc7z020.json");
    return json::parse(in);
}

// A copy of xc7z020 whose grid has `rows` rows and the given column entries; clock regions and the one SLR
// are resized to stay consistent, so only the size can be wrong.
std::string withGrid(int64_t rows, const json& columns)
{
    json doc = xc7z020();
    doc["grid"]["rows"] = rows;
    doc["grid"]["columns"] = columns;
    doc["grid"].erase("holes");
    doc["grid"].erase("width");
    doc["grid"]["clockRegions"] = { { "rows", rows }, { "columnStarts", { 0 } } };
    doc["grid"]["slrs"] = json::array({ { { "row0", 0 }, { "row1", rows - 1 } } });
    return doc.dump();
}

testing::Outcome load(const std::string& text)
{
    return testing::runIsolated([&] { device::parseDevice(text, "hostile.json"); }, 20);
}

void expectError(const testing::Outcome& o, const std::string& prefix, const std::string& mentions)
{
    QVERIFY2(!o.crashed && o.threwError, o.describe().c_str());
    QVERIFY2(
        o.message.rfind(prefix, 0) == 0, ("expected the message to start with '" + prefix + "': " + o.message).c_str());
    QVERIFY2(o.message.find(mentions) != std::string::npos, ("expected '" + mentions + "' in: " + o.message).c_str());
    // Refused before building the grid: far below what the grid would need (10^6 columns x 150 rows of
    // 4-byte prefixes alone is 600 MB).
    QVERIFY2(o.rssGrowthKb < 16 * 1024, o.describe().c_str());
}

} // namespace

class LimitsDeviceTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void repeatedHugeColumnEntries()
    {
        // 10 x 100000 columns; the first entry alone exceeds 4096.
        const std::string text = withGrid(150, json(std::vector<std::string>(10, "CLB*100000")));
        QVERIFY(text.size() < 4096);
        expectError(load(text), "hostile.json: grid.columns[0]: ", "4096 columns");
    }

    void columnsOverflowAcrossEntries()
    {
        // 4096 CLB columns are allowed; the IO column after them is the 4097th.
        expectError(load(withGrid(4, json { "CLB*4096", "IO" })), "hostile.json: grid.columns[1]: ", "4096 columns");
    }

    void tooManyRows()
    {
        expectError(load(withGrid(100000, json { "CLB" })), "hostile.json: grid.rows: ", "outside 1..4096");
    }

    void tileBudget()
    {
        // Each side at its limit: 4096 x 4096 = 16,777,216 tiles > 2^22 = 4,194,304.
        expectError(load(withGrid(4096, json { "CLB*4096" })), "hostile.json: grid: ", "16777216 tiles");
    }

    void gridAtTheBudgetIsAccepted()
    {
        // 2048 x 2048 = 2^22 tiles exactly: within the budget, so the grid is built and the load fails only
        // on the datasheet check (2048 x 2048 CLBs of 8 LUTs = 33,554,432 LUTs, not xc7z020's 53,200).
        const testing::Outcome o = load(withGrid(2048, json { "CLB*2048" }));
        QVERIFY2(o.threwError, o.describe().c_str());
        QVERIFY2(o.message.find("the grid holds 33,554,432 LUT") != std::string::npos, o.message.c_str());
    }

    void deviceBuiltInCode()
    {
        // A DeviceInfo assembled without the loader (fuzzers, tools) meets the same limits.
        device::DeviceInfo info;
        info.sourceFile = "in-code";
        info.part = "huge";
        info.columns.assign(5000, device::TileKind::Io);
        info.rows = 1;
        info.clockRegionRows = 1;
        info.clockRegionColumnStarts = { 0 };
        info.slrs = { { 0, 0, 4999, 0 } };
        try {
            device::Device d(std::move(info));
            QFAIL("a 5000-column grid must be refused");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("in-code: the grid of 5000 x 1 tiles exceeds") == 0, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(LimitsDeviceTest)
#include "test_limits_device.moc"
