// compile -> place on real models: the JSC tagger (a chain of TLMAC dense layers) and conv2d_small_keras
// (post-training quantised; a Transpose block, a folded conv and a dense layer). The netlist is the one
// `luthier-cli compile` writes (netlist.json, read back), placed on xcvu13p: every unit inside the device,
// a pblock keeps its layer inside, the reported cost is the recomputed one and never above the initial cost.

#include "arch/hw_design.h"
#include "device/device_loader.h"
#include "onnx/importer.h"
#include "place/netlist_io.h"
#include "place/placer.h"
#include "quant/lower.h"
#include "quant/ptq.h"
#include "sim/calibration.h"
#include "sim/dataset.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

using namespace luthier;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;

ir::Graph loadModel(const std::string& name)
{
    const ir::Graph imported = importer::importModel(kShared + "/models/" + name + ".onnx");
    if (!quant::needsPostTraining(imported)) return imported;
    const sim::Dataset data
        = sim::loadInputs(kShared + "/models/reference/" + name + ".input.npy", imported.inputShape);
    Progress none;
    return quant::prepareGraph(imported, {}, 4, 4, sim::calibrateRanges(imported, data, none)).graph;
}

// What `luthier-cli compile` writes next to the RTL, read back as `luthier-cli place` reads it.
place::Netlist compiledNetlist(const std::string& model, const std::filesystem::path& dir)
{
    const ir::Graph graph = loadModel(model);
    const quant::IntGraph ints = quant::lowerToInteger(graph);
    const arch::HwDesign design = arch::mapDesign(ints, {});
    std::filesystem::create_directories(dir);
    const place::Netlist built = place::buildNetlist(design);
    place::writeNetlist(dir / place::kNetlistFile, built);
    const place::Netlist loaded = place::loadNetlist(dir / place::kNetlistFile);
    if (place::toJson(loaded) != place::toJson(built)) throw Error("netlist.json does not read back as written");
    return loaded;
}

bool inside(const device::TileRect& outer, const device::TileRect& r)
{
    return outer.contains(r);
}

} // namespace

class TestPlaceModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void placesCompiledModels_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("pblockLayer");
        QTest::newRow("jsc") << "qkeras_jettagging"
                             << "MatMul_1";
        QTest::newRow("conv2d") << "conv2d_small_keras"
                                << "Conv2D__";
    }

    void placesCompiledModels()
    {
        QFETCH(QString, model);
        QFETCH(QString, pblockLayer);
        const place::Netlist netlist = compiledNetlist(
            model.toStdString(), std::filesystem::path(m_tmp.path().toStdString()) / model.toStdString());
        const int layer = netlist.findLayer(pblockLayer.toStdString());
        QVERIFY2(layer >= 0, qPrintable("no layer " + pblockLayer));
        // The layers are connected as the design is: some net joins the pblock layer to another layer.
        bool linked = false;
        for (const place::Net& net : netlist.nets) {
            bool mine = false, other = false;
            for (int u : net.units)
                (netlist.units[size_t(u)].layer == layer ? mine : other) = true;
            linked = linked || (mine && other);
        }
        QVERIFY(linked);

        const device::Device device = device::findDevice("xcvu13p");
        Progress progress;
        const place::Placement free = place::place(device, netlist, {}, {}, progress);
        // A pblock of 30 x 60 tiles in the middle of the device, away from where the free placement put the layer.
        place::Constraints c;
        const device::TileRect box { device.width() / 2, device.height() / 2, device.width() / 2 + 29,
            device.height() / 2 + 59 };
        c.pblocks[pblockLayer.toStdString()] = { box, false };
        const place::Placement boxed = place::place(device, netlist, c, {}, progress);

        for (const place::Placement* p : { &free, &boxed }) {
            for (size_t u = 0; u < netlist.units.size(); ++u)
                QVERIFY2(inside(device.bounds(), p->unitRect(int(u))), netlist.units[u].name.c_str());
            QVERIFY(p->final.cost <= p->initial.cost);
            const place::PlaceMetrics again = place::evaluate(netlist, *p);
            QVERIFY(std::fabs(again.cost - p->final.cost) <= 1e-9 * std::max(1.0, p->final.cost));
            QVERIFY(p->moves > 0);
        }
        int boxedUnits = 0;
        for (size_t u = 0; u < netlist.units.size(); ++u)
            if (netlist.units[u].layer == layer) {
                QVERIFY2(inside(box, boxed.unitRect(int(u))), netlist.units[u].name.c_str());
                ++boxedUnits;
            }
        QVERIFY(boxedUnits > 0);
        qInfo("%s: %zu units, %zu nets; cost %.4f -> %.4f (free), %.4f -> %.4f (pblock on %s, %d units)",
            qPrintable(model), netlist.units.size(), netlist.nets.size(), free.initial.cost, free.final.cost,
            boxed.initial.cost, boxed.final.cost, qPrintable(pblockLayer), boxedUnits);
    }

private:
    QTemporaryDir m_tmp;
};

QTEST_GUILESS_MAIN(TestPlaceModels)
#include "test_place_models.moc"
