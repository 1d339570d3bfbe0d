// Placement: constraints are honoured or rejected with numbers, annealing never worsens the cost it
// reports (and the reported numbers match an independent recomputation), determinism for a seed,
// heatmap identities, and the netlist built from a compiled design.

#include "device/device_loader.h"
#include "place/heatmap.h"
#include "place/netlist.h"
#include "place/placer.h"
#include "place/synthetic.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <fstream>

using namespace luthier;
using namespace luthier::place;
using device::TileRect;

namespace {

// A hand-made netlist: `layers` layers of `units` units with `luts` LUTs each, chained unit to unit.
Netlist chain(int layers, int units, int64_t luts)
{
    Netlist n;
    for (int l = 0; l < layers; ++l) {
        n.layers.push_back("l" + std::to_string(l));
        for (int k = 0; k < units; ++k) {
            n.units.push_back(
                { "l" + std::to_string(l) + "/u" + std::to_string(k), UnitKind::LutArrays, l, { luts, 0, 0, 0 }, 0 });
            if (n.units.size() > 1) n.nets.push_back({ { int(n.units.size()) - 2, int(n.units.size()) - 1 }, 8 });
        }
    }
    return n;
}

std::string errorOf(const device::Device& d, const Netlist& n, const Constraints& c)
{
    Progress progress;
    try {
        place::place(d, n, c, PlaceOptions {}, progress);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

class CancelOnFirstReport : public Progress {
public:
    void report(double fraction, std::string_view) override
    {
        if (fraction > 0) cancel();
    }
};

} // namespace

class TestPlace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void netlistFromDesign()
    {
        const SyntheticSpec spec = smallSpec(3, 40, 16, 7);
        const arch::HwDesign design = syntheticDesign(spec);
        NetlistOptions options;
        options.maxUnitLuts = 64;
        const Netlist n = buildNetlist(design, options);
        QCOMPARE(int(n.layers.size()), 3);
        // Every LUT and FF of the estimate lands in some unit (control takes what structures leave).
        QCOMPARE(n.total().luts, design.estimate.lut);
        QCOMPARE(n.total().ffs, design.estimate.ff);
        int64_t fanIn = 0, muxInputs = 0;
        for (const arch::HwLayer& l : design.layers)
            for (const arch::Multiplexer& m : l.muxes)
                fanIn += int64_t(m.arrays.size());
        for (const Unit& u : n.units) {
            muxInputs += u.muxInputs;
            QVERIFY2(u.demand.luts <= options.maxUnitLuts || u.kind == UnitKind::Control, u.name.c_str());
        }
        QCOMPARE(muxInputs, fanIn);
        // 40 arrays of 5 LUTs in banks of at most 64 LUTs (12 arrays): 4 banks per layer.
        int arrayBanks = 0;
        for (const Unit& u : n.units)
            arrayBanks += u.kind == UnitKind::LutArrays && u.layer == 0;
        QCOMPARE(arrayBanks, 4);
    }

    void annealingNeverWorsensTheReportedCost()
    {
        const device::Device d = device::findDevice("xczu9eg");
        const Netlist n = buildNetlist(syntheticDesign(smallSpec(6, 120, 48, 3)));
        Progress progress;
        PlaceOptions options;
        options.seed = 5;
        const Placement p = place::place(d, n, {}, options, progress);
        QVERIFY(p.moves > 0);
        // By the normalisation, the initial placement costs 1 + congestionWeight.
        QVERIFY(std::abs(p.initial.cost - (1.0 + options.congestionWeight)) < 1e-9);
        QVERIFY2(p.final.cost <= p.initial.cost, qPrintable(QString("%1 > %2").arg(p.final.cost).arg(p.initial.cost)));
        // The annealer's incremental numbers equal a from-scratch recomputation on the tile grid.
        const PlaceMetrics check = evaluate(n, p);
        QVERIFY(std::abs(check.wirelength - p.final.wirelength) <= 1e-6 * p.final.wirelength);
        QVERIFY(std::abs(check.congestion - p.final.congestion) <= 1e-6 * p.final.congestion);
        QVERIFY(std::abs(check.peakWireDemand - p.final.peakWireDemand) <= 1e-6 * p.final.peakWireDemand);
        QVERIFY(std::abs(check.cost - p.final.cost) <= 1e-6);
        // Capacity: no cell holds more than its tiles.
        std::vector<device::Resources> used(p.cells.size());
        for (size_t u = 0; u < n.units.size(); ++u)
            used[size_t(p.unitCell[u])] += p.unitDemand[u];
        for (size_t c = 0; c < p.cells.size(); ++c)
            QVERIFY(used[c].fitsIn(d.resourcesIn(p.cells[c])));
    }

    void deterministicForASeed()
    {
        const device::Device d = device::findDevice("xczu9eg");
        const Netlist n = buildNetlist(syntheticDesign(smallSpec(6, 120, 48, 11)));
        Progress progress;
        PlaceOptions options;
        options.seed = 42;
        const Placement a = place::place(d, n, {}, options, progress);
        const Placement b = place::place(d, n, {}, options, progress);
        QCOMPARE(a.unitCell, b.unitCell);
        QCOMPARE(a.final.cost, b.final.cost);
        options.seed = 43;
        const Placement c = place::place(d, n, {}, options, progress);
        QVERIFY(c.unitCell != a.unitCell);
    }

    void pblockKeepsItsLayerInside()
    {
        const device::Device d = device::findDevice("xczu9eg");
        const Netlist n = buildNetlist(syntheticDesign(smallSpec(5, 100, 32, 2)));
        Constraints c;
        const TileRect box { 30, 120, 70, 239 };
        c.pblocks["layer2"] = { box, true };
        const TileRect keepOut { 0, 240, 110, 299 };
        c.keepOut.push_back(keepOut);
        Progress progress;
        const Placement p = place::place(d, n, c, PlaceOptions {}, progress);
        for (size_t u = 0; u < n.units.size(); ++u) {
            const TileRect& r = p.unitRect(int(u));
            if (n.units[u].layer == 2)
                QVERIFY2(box.contains(r), n.units[u].name.c_str());
            else // exclusive: nobody else inside
                QVERIFY2(!box.intersects(r), n.units[u].name.c_str());
            QVERIFY2(!keepOut.intersects(r), n.units[u].name.c_str());
        }
        QVERIFY(layerBounds(n, p)[2].col0 >= box.col0);
    }

    void slrAssignment()
    {
        const device::Device d = device::findDevice("xcvu9p");
        const Netlist n = buildNetlist(syntheticDesign(smallSpec(3, 100, 32, 4)));
        Constraints c;
        c.slr["layer0"] = 2;
        c.slr["layer1"] = 0;
        c.pblocks["layer1/mux0"] = { { 100, 0, 140, 59 }, false }; // a unit's own pblock beats its layer's SLR
        Progress progress;
        const Placement p = place::place(d, n, c, PlaceOptions {}, progress);
        for (size_t u = 0; u < n.units.size(); ++u) {
            const TileRect& r = p.unitRect(int(u));
            if (n.units[u].layer == 0) QVERIFY(r.row0 >= 600 && r.row1 <= 899); // SLR 2 of 3 x 300 rows
            if (n.units[u].layer == 1) QVERIFY(r.row1 <= 299);
            if (n.units[u].name == "layer1/mux0") QVERIFY(TileRect({ 100, 0, 140, 59 }).contains(r));
        }
    }

    void infeasibleConstraintsAreReportedWithNumbers()
    {
        const device::Device d = device::findDevice("xc7z020");
        const Netlist n = chain(2, 3, 100); // each layer: 3 x 100 = 300 LUT

        // xc7z020 columns 1 and 2 are CLBs (IO, CLB, CLB, BRAM, ...): 2 x 10 tiles x 8 LUT = 160 LUT.
        Constraints small;
        small.pblocks["l0"] = { { 1, 0, 2, 9 }, false };
        std::string e = errorOf(d, n, small);
        QVERIFY2(contains(e, "pblock 'l0' (X1..2 Y0..9): layer 'l0' needs 300 LUT but holds only 160 LUT"), e.c_str());

        // A keep-out over half of it leaves 80 LUT.
        small.keepOut.push_back({ 1, 5, 2, 9 });
        e = errorOf(d, n, small);
        QVERIFY2(contains(e, "needs 300 LUT but holds only 80 LUT (outside keep-outs)"), e.c_str());

        Constraints many;
        many.pblocks["l0"] = { { 0, 0, 100, 10 }, false }; // the device is 57 columns x 150 rows
        many.pblocks["l1"] = { { 10, 10, 20, 20 }, true };
        many.pblocks["l1/u0"] = { { 15, 15, 30, 30 }, false };
        many.pblocks["nosuch"] = { { 0, 0, 1, 1 }, false };
        many.slr["l1"] = 1;
        e = errorOf(d, n, many);
        QVERIFY2(
            contains(e, "pblock 'l0' (X0..100 Y0..10) reaches outside the device xc7z020 (X0..56 Y0..149)"), e.c_str());
        QVERIFY2(contains(e, "exclusive pblock 'l1' (X10..20 Y10..20) overlaps pblock 'l1/u0' (X15..30 Y15..30)"),
            e.c_str());
        QVERIFY2(contains(e, "pblock 'nosuch' names no layer or unit"), e.c_str());
        QVERIFY2(contains(e, "assigned to SLR 1 but xc7z020 has 1 SLR(s)"), e.c_str());

        // More LUTs than the whole device (53,200).
        const Netlist huge = chain(1, 200, 300); // 60,000 LUT
        e = errorOf(d, huge, {});
        QVERIFY2(contains(e, "needs 60,000 LUT but holds only 53,200 LUT"), e.c_str());
    }

    void heatmapIdentities()
    {
        const device::Device d = device::findDevice("xczu9eg");
        const Netlist n = buildNetlist(syntheticDesign(smallSpec(4, 80, 32, 9)));
        Progress progress;
        const Placement p = place::place(d, n, {}, PlaceOptions {}, progress);

        // LUT utilisation x LUTs per tile, summed over tiles = the LUTs placed (8 LUTs per CLB tile).
        const Heatmap lut = lutUtilisation(d, n, p);
        QCOMPARE(lut.width, d.width());
        QVERIFY(lut.max() <= 1.0 + 1e-12);
        QVERIFY(std::abs(lut.sum() * 8 - double(n.total().luts)) < 1e-6 * double(n.total().luts));

        // Each net spreads wires * (W + H) / (W * H) over W * H tiles: the grid sums to sum wires * (W + H).
        double expected = 0;
        for (const Net& net : n.nets) {
            TileRect box = p.unitRect(net.units[0]);
            for (int u : net.units)
                box = box.unite(p.unitRect(u));
            expected += double(net.wires) * (box.width() + box.height());
        }
        const Heatmap rudy = wireDemand(n, p);
        QVERIFY(std::abs(rudy.sum() - expected) < 1e-6 * expected);
        QCOMPARE(rudy.max(), p.final.peakWireDemand);

        int64_t inputs = 0;
        for (const Unit& u : n.units)
            inputs += u.muxInputs;
        QVERIFY(std::abs(muxFanIn(d, n, p).sum() - double(inputs)) < 1e-6 * double(inputs));

        QTemporaryDir dir;
        const std::string file = dir.filePath("rudy.csv").toStdString();
        writeCsv(heatmap("rudy", d, n, p), file);
        std::ifstream in(file);
        std::string line;
        std::getline(in, line);
        QCOMPARE(line, std::string("x,y,value"));
        int rows = 0;
        while (std::getline(in, line))
            ++rows;
        QCOMPARE(rows, d.width() * d.height());
        QVERIFY_THROWS_EXCEPTION(Error, heatmap("nosuch", d, n, p));
    }

    void cancellable()
    {
        const device::Device d = device::findDevice("xczu9eg");
        const Netlist n = buildNetlist(syntheticDesign(smallSpec(4, 80, 32, 9)));
        CancelOnFirstReport progress;
        QVERIFY_THROWS_EXCEPTION(Cancelled, place::place(d, n, {}, PlaceOptions {}, progress));
    }
};

QTEST_GUILESS_MAIN(TestPlace)
#include "test_place.moc"
