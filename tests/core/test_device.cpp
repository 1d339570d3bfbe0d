// Device models: every built-in file reproduces the vendor datasheet totals (numbers typed in from
// DESIGN.md section 6, which quotes DS190 / DS891 / DS923 / the iCE40 UltraPlus data sheet), lookups by part
// name, user device folders, clear errors for malformed files, and Vivado site ranges.

#include "device/device_loader.h"
#include "device/vivado_sites.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>

using namespace luthier;
using namespace luthier::device;
namespace fs = std::filesystem;

namespace {

const fs::path kDeviceDir = fs::path(LUTHIER_SOURCE_DIR) / "resources" / "devices";

std::string readText(const fs::path& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream(path) << text;
}

// The error message parseDevice gives for `text`, or "" when it loads.
std::string errorOf(const std::string& text)
{
    try {
        parseDevice(text, "bad.json");
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error("test fixture: '" + from + "' not found");
    return text.replace(at, from.size(), to);
}

} // namespace

class TestDevice : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void datasheetTotals_data()
    {
        QTest::addColumn<QString>("part");
        QTest::addColumn<qint64>("luts");
        QTest::addColumn<qint64>("ffs");
        QTest::addColumn<qint64>("dsps");
        QTest::addColumn<qint64>("brams");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("slrs");
        QTest::newRow("xc7z020") << "xc7z020" << 53200LL << 106400LL << 220LL << 140LL << 6 << 1;
        QTest::newRow("xczu9eg") << "xczu9eg" << 274080LL << 548160LL << 2520LL << 912LL << 6 << 1;
        QTest::newRow("xcvu9p") << "xcvu9p" << 1182240LL << 2364480LL << 6840LL << 2160LL << 6 << 3;
        QTest::newRow("xcvu13p") << "xcvu13p" << 1728000LL << 3456000LL << 12288LL << 2688LL << 6 << 4;
        // iCE40 UP5K: 5,280 LUT4, one DFF per LUT, 8 SB_MAC16, 30 EBR of 4 Kbit.
        QTest::newRow("ice40up5k") << "ice40up5k" << 5280LL << 5280LL << 8LL << 30LL << 4 << 1;
    }

    void datasheetTotals()
    {
        QFETCH(QString, part);
        const Device d = loadDevice(kDeviceDir / (part.toStdString() + ".json"));
        QCOMPARE(d.part(), part.toStdString());
        // Summed tile by tile over the grid, independently of the datasheet block the loader checks.
        Resources sum;
        for (int x = 0; x < d.width(); ++x)
            for (int y = 0; y < d.height(); ++y)
                sum += d.tileResources(x, y);
        QFETCH(qint64, luts);
        QFETCH(qint64, ffs);
        QFETCH(qint64, dsps);
        QFETCH(qint64, brams);
        QCOMPARE(sum.luts, luts);
        QCOMPARE(sum.ffs, ffs);
        QCOMPARE(sum.dsps, dsps);
        QCOMPARE(sum.brams, brams);
        QVERIFY(d.totals() == sum);
        QTEST(d.info().lutInputs, "k");
        QTEST(d.slrCount(), "slrs");
        QVERIFY(!d.info().layoutNote.empty());
    }

    void everyFileLoads()
    {
        // Any device file added later must load too (its totals are checked against its datasheet block).
        int count = 0;
        for (const auto& entry : fs::directory_iterator(kDeviceDir)) {
            if (entry.path().extension() != ".json") continue;
            const Device d = loadDevice(entry.path());
            QCOMPARE(entry.path().stem().string(), d.part());
            ++count;
        }
        QVERIFY(count >= 5);
    }

    void gridGeometry()
    {
        const Device vu13p = findDevice("xcvu13p");
        // VU13P: 4 SLRs x 4 clock-region rows of 60 CLB rows; clock regions X0..X7, Y0..Y15.
        QCOMPARE(vu13p.height(), 960);
        QCOMPARE(int(vu13p.clockRegions().size()), 8 * 16);
        QCOMPARE(vu13p.slrOfRow(0), 0);
        QCOMPARE(vu13p.slrOfRow(239), 0);
        QCOMPARE(vu13p.slrOfRow(240), 1);
        QCOMPARE(vu13p.slrOfRow(959), 3);
        // A whole SLR holds a quarter of everything (the layout repeats per SLR, no hard-block holes).
        const Resources slr = vu13p.resourcesIn(vu13p.info().slrs[1]);
        QCOMPARE(slr.luts, 1728000LL / 4);
        QCOMPARE(slr.dsps, 12288LL / 4);

        // Zynq-7020: the PS7 hole removes tiles; a tile inside it holds nothing.
        const Device z7 = findDevice("xc7z020");
        const Hole& ps = z7.info().holes.at(0);
        QVERIFY(z7.inHole(ps.rect.col0 + 1, ps.rect.row0));
        QVERIFY(z7.tileResources(ps.rect.col0 + 1, ps.rect.row0).isZero());
        QVERIFY(z7.resourcesIn(ps.rect).isZero());
    }

    void findByOrderingCode()
    {
        QCOMPARE(findDevice("XCVU13P-FLGA2577-2-E").part(), std::string("xcvu13p"));
        QCOMPARE(findDevice("xczu9eg-ffvb1156-2-e").part(), std::string("xczu9eg"));
        try {
            findDevice("xc7a35t");
            QFAIL("an unknown part must throw");
        } catch (const Error& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("xc7a35t") != std::string::npos, e.what());
            QVERIFY2(what.find("xcvu9p") != std::string::npos, e.what()); // lists the known parts
        }
    }

    void userDeviceFolder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path folder = dir.path().toStdString();
        // A user's copy of the Zynq-7020 under another name and part, with a note; it must be found by part.
        std::string text = readText(kDeviceDir / "xc7z020.json");
        text = replaced(text, "\"part\": \"xc7z020\"", "\"part\": \"xc7z020-custom\"");
        writeText(folder / "my_board.json", text);
        const Device d = findDevice("xc7z020-custom", { folder });
        QCOMPARE(d.part(), std::string("xc7z020-custom"));
        QCOMPARE(d.totals().luts, 53200LL);
        // Built-ins are still found with a user folder given.
        QCOMPARE(findDevice("xcvu9p", { folder }).slrCount(), 3);
    }

    void malformedFilesGiveClearErrors()
    {
        const std::string good = readText(kDeviceDir / "xc7z020.json");
        QVERIFY(errorOf(good).empty());

        std::string e = errorOf("{ \"schema\": ");
        QVERIFY2(e.find("bad.json") != std::string::npos && e.find("not valid JSON") != std::string::npos, e.c_str());

        e = errorOf(replaced(good, "\"CLB*2\"", "\"CLBX*2\""));
        QVERIFY2(e.find("bad.json: grid.columns[1]: unknown tile kind \"CLBX\"") != std::string::npos, e.c_str());

        e = errorOf(replaced(good, "\"luts\": 8,", "\"lut\": 8,"));
        QVERIFY2(e.find("tileTypes.CLB.lut: unknown key") != std::string::npos, e.c_str());

        e = errorOf(replaced(good, "\"lutInputs\": 6,", ""));
        QVERIFY2(e.find("bad.json: lutInputs: missing") != std::string::npos, e.c_str());

        e = errorOf(replaced(good, "\"rows\": 150", "\"rows\": \"150\""));
        QVERIFY2(e.find("grid.rows: expected an integer, found string") != std::string::npos, e.c_str());

        // A pattern that no longer matches the datasheet: one CLB column fewer is 150 rows x 8 LUTs short.
        e = errorOf(replaced(replaced(good, "\"CLB*2\"", "\"CLB\""), "\"width\": 57", "\"width\": 56"));
        QVERIFY2(e.find("53,200 LUT") != std::string::npos && e.find("52,000 LUT") != std::string::npos, e.c_str());

        e = errorOf(replaced(good, "\"width\": 57", "\"width\": 58"));
        QVERIFY2(e.find("grid.width: says 58 but grid.columns expands to 57 columns") != std::string::npos, e.c_str());

        e = errorOf(replaced(good, "\"col1\": 7", "\"col1\": 700"));
        QVERIFY2(
            e.find("grid.holes[0]") != std::string::npos && e.find("outside the grid") != std::string::npos, e.c_str());
    }

    void vivadoSiteRanges_()
    {
        // xc7z020 columns from the left: IO, CLB, CLB, BRAM, CLB, CLB, DSP, ... (see the JSON). Columns 1..6
        // hold CLB columns 0..3 (7-series: two SLICE columns each -> X0..X7), DSP column 0 and BRAM column 0.
        // Rows 0..49 (one clock region): SLICE Y0..Y49; 10 DSP tiles of 2 sites -> DSP48 Y0..Y19; 10 RAMB36.
        const Device z7 = findDevice("xc7z020");
        auto ranges = vivadoSiteRanges(z7, { 1, 0, 6, 49 });
        QCOMPARE(ranges.size(), size_t(3));
        QCOMPARE(ranges[0], std::string("SLICE_X0Y0:SLICE_X7Y49"));
        QCOMPARE(ranges[1], std::string("DSP48_X0Y0:DSP48_X0Y19"));
        QCOMPARE(ranges[2], std::string("RAMB36_X0Y0:RAMB36_X0Y9"));
        // Rows 3..52 own the 5-row tiles anchored at rows 5..50: tile indices 1..10.
        ranges = vivadoSiteRanges(z7, { 1, 3, 6, 52 });
        QCOMPARE(ranges[1], std::string("DSP48_X0Y2:DSP48_X0Y21"));
        QCOMPARE(ranges[2], std::string("RAMB36_X0Y1:RAMB36_X0Y10"));
        // CLB columns only: no DSP or BRAM range.
        ranges = vivadoSiteRanges(z7, { 1, 0, 2, 0 });
        QCOMPARE(ranges, std::vector<std::string> { "SLICE_X0Y0:SLICE_X3Y0" });

        QVERIFY_THROWS_EXCEPTION(Error, vivadoSiteRanges(z7, { 0, 0, 1000, 10 }));
        QVERIFY_THROWS_EXCEPTION(Error, vivadoSiteRanges(findDevice("ice40up5k"), { 0, 0, 3, 3 }));
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "test_device.moc"
