// Floorplan: the colour map against matplotlib's published viridis values, heatmap pixels at known tiles,
// level of detail keeping a single hot tile visible, pblocks drawn / moved / resized / deleted with
// simulated mouse events through the undo stack, the placer's feasibility verdict on a real placement,
// and screenshots of the panel (written to <build>/screens for the docs).

#include "colour_map.h"
#include "device/device_loader.h"
#include "floorplan_data.h"
#include "floorplan_job.h"
#include "floorplan_panel.h"
#include "floorplan_pblocks.h"
#include "floorplan_render.h"
#include "floorplan_view.h"
#include "place/synthetic.h"
#include "project/project_file.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>
#include <cmath>

using namespace luthier;
using namespace luthier::widgets;

namespace {

std::shared_ptr<const device::Device> loadPart(const char* part)
{
    return std::make_shared<const device::Device>(device::findDevice(part));
}

// Floorplan data with one hand-made heatmap (no netlist), as the renderer sees it.
std::shared_ptr<FloorplanData> dataWithMap(std::shared_ptr<const device::Device> dev, place::Heatmap map)
{
    auto data = std::const_pointer_cast<FloorplanData>(buildFloorplanData(dev, nullptr, nullptr));
    std::vector<uint8_t> noData(data->lutTile.size());
    for (size_t i = 0; i < noData.size(); ++i)
        noData[i] = !data->lutTile[i];
    data->heatmaps.push_back(buildPyramid(std::move(map), noData));
    return data;
}

place::Heatmap zeroMap(const device::Device& dev)
{
    place::Heatmap map { "lut", "fraction", dev.width(), dev.height(), {} };
    map.values.assign(size_t(dev.width()) * size_t(dev.height()), 0.0);
    return map;
}

QString screensDir()
{
    const QString dir = QStringLiteral(LUTHIER_BINARY_DIR "/screens");
    QDir().mkpath(dir);
    return dir;
}

QRgb pixelOfTile(const QImage& image, const FloorplanViewport& v, int x, int y)
{
    // The centre of the tile's square.
    return image.pixel(int(v.pixelX(x + 0.5)), int(v.pixelY(y + 0.5))) | 0xff000000u;
}

} // namespace

class TestFloorplan : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void viridisMatchesMatplotlib()
    {
        // matplotlib's viridis: first entry #440154, entry 128 #21918c, last #fde725, and viridis(0.25) is
        // entry 64, #3b528b (matplotlib documentation / _cm_listed.py rounded to 8 bits).
        QCOMPARE(viridisEntry(0) & 0xffffff, 0x440154u);
        QCOMPARE(viridisEntry(128) & 0xffffff, 0x21918cu);
        QCOMPARE(viridisEntry(255) & 0xffffff, 0xfde725u);
        QCOMPARE(viridis(0.25).rgb() & 0xffffff, 0x3b528bu);
        QCOMPARE(viridis(-1.0).rgb(), viridis(0.0).rgb());
        QCOMPARE(viridis(7.0).rgb(), viridis(1.0).rgb());
        // Log scale over three decades: 0.01 of 1 is one third up the bar, 0.1 two thirds.
        QVERIFY(std::abs(scalePosition(0.01, 0.0, 1.0, ColourScale::Log) - 1.0 / 3.0) < 1e-12);
        QVERIFY(std::abs(scalePosition(0.1, 0.001, 1.0, ColourScale::Log) - 2.0 / 3.0) < 1e-12);
        QCOMPARE(scalePosition(0.0, 0.0, 1.0, ColourScale::Log), 0.0);
        QVERIFY(std::abs(scaleValue(0.5, 0.0, 4.0, ColourScale::Linear) - 2.0) < 1e-12);
    }

    void heatmapColoursAtKnownTiles()
    {
        auto dev = loadPart("xc7z020");
        QVERIFY(dev->columnKind(1) == device::TileKind::Clb);
        QVERIFY(dev->columnKind(3) == device::TileKind::Bram);
        place::Heatmap map = zeroMap(*dev);
        map.at(1, 10) = 1.0; // top of the range: #fde725
        map.at(2, 10) = 0.5; // entry round(127.5) = 128: #21918c
        map.at(1, 11) = 0.25; // entry 64: #3b528b
        map.at(2, 11) = 0.01; // linear: entry round(2.55) = 3; log (3 decades): entry 85, #31688e
        auto data = dataWithMap(dev, map);

        RenderRequest request;
        request.data = data;
        request.range = { 0.0, 1.0, ColourScale::Linear };
        request.viewport = { 0.0, double(dev->height()), 4.0, QSize(4 * dev->width(), 4 * dev->height()) };
        RenderResult r = renderFloorplan(request);
        QCOMPARE(r.level, 0);
        const FloorplanViewport& v = r.viewport;
        QCOMPARE(pixelOfTile(r.image, v, 1, 10) & 0xffffff, 0xfde725u);
        QCOMPARE(pixelOfTile(r.image, v, 2, 10) & 0xffffff, 0x21918cu);
        QCOMPARE(pixelOfTile(r.image, v, 1, 11) & 0xffffff, 0x3b528bu);
        QCOMPARE(pixelOfTile(r.image, v, 2, 11), viridisEntry(3));
        QCOMPARE(pixelOfTile(r.image, v, 1, 12) & 0xffffff, 0x440154u); // a CLB tile at 0
        QCOMPARE(pixelOfTile(r.image, v, 3, 10), kNoDataColour); // BRAM column: no LUT data

        request.range = { 0.0, 1.0, ColourScale::Log };
        r = renderFloorplan(request);
        QCOMPARE(pixelOfTile(r.image, r.viewport, 2, 11) & 0xffffff, 0x31688eu);
        QCOMPARE(pixelOfTile(r.image, r.viewport, 1, 10) & 0xffffff, 0xfde725u);
    }

    void levelOfDetailKeepsTheMaximum()
    {
        auto dev = loadPart("xcvu13p");
        place::Heatmap map = zeroMap(*dev);
        int hx = -1;
        for (int x = 100; x < dev->width() && hx < 0; ++x)
            if (dev->columnKind(x) == device::TileKind::Clb) hx = x;
        const int hy = 457;
        map.at(hx, hy) = 1.0;
        map.at(hx, hy + 1) = 0.2;
        auto data = dataWithMap(dev, map);
        const HeatmapPyramid& p = data->heatmaps[0];
        // Level 3: 8x8 blocks; the block holding the hot tile has the max 1, its neighbour above only zeros.
        QCOMPARE(p.at(3, hx >> 3, hy >> 3), 1.0f);
        QCOMPARE(p.at(3, hx >> 3, (hy >> 3) + 1), 0.0f);
        QCOMPARE(p.levelWidth(3), (dev->width() + 7) / 8);

        // The whole device (960 rows) in 300 px: 0.3125 px per tile, so 8x8 tiles merge into one block.
        const double s = 300.0 / dev->height();
        RenderRequest request;
        request.data = data;
        request.viewport = { 0.0, double(dev->height()), s, QSize(int(std::ceil(dev->width() * s)), 300) };
        const RenderResult r = renderFloorplan(request);
        QCOMPARE(detailLevel(s), 3);
        QCOMPARE(r.level, 3);
        // The hot tile is 0.3 px wide, yet its block shows the maximum colour.
        QCOMPARE(pixelOfTile(r.image, r.viewport, hx, hy) & 0xffffff, 0xfde725u);
        int bright = 0;
        for (int y = 0; y < r.image.height(); ++y)
            for (int x = 0; x < r.image.width(); ++x)
                bright += (r.image.pixel(x, y) & 0xffffff) == 0xfde725u;
        // One 8x8-tile block is 2.5 px square: 4 to 9 pixels of it, depending on where the edges fall.
        QVERIFY2(bright >= 4 && bright <= 9, qPrintable(QString::number(bright)));
    }

    void pblockDrawnMovedResizedAndDeletedWithTheMouse()
    {
        auto dev = loadPart("xc7z020");
        QUndoStack stack;
        PblockModel model(&stack);
        model.setFloorplan(buildFloorplanData(dev, nullptr, nullptr));
        QSignalSpy changed(&model, &PblockModel::constraintsChanged);
        FloorplanView view;
        view.resize(4 * dev->width(), 4 * dev->height());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setPblockModel(&model);
        view.setData(buildFloorplanData(dev, nullptr, nullptr));
        view.setViewport(0.0, dev->height(), 4.0); // tile (x, y) spans pixels 4x.. and 4(H-1-y)..
        view.setTool(FloorplanView::Tool::Pblock);
        view.setSelectedLayer(QStringLiteral("fc1"));
        const auto at = [&](int x, int y) { return QPoint(4 * x + 2, 4 * (dev->height() - 1 - y) + 2); };

        // Draw from tile (10, 20) to tile (30, 60): the rectangle covers both corner tiles.
        QTest::mousePress(&view, Qt::LeftButton, {}, at(10, 20));
        QTest::mouseMove(&view, at(20, 40));
        QTest::mouseMove(&view, at(30, 60));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, at(30, 60));
        QCOMPARE(stack.count(), 1);
        QVERIFY(model.pblock("fc1") == std::optional(project::TileRect { 10, 20, 30, 60 }));
        QVERIFY(changed.count() >= 1);

        // Drag from inside by (+5, -10) tiles: moved, same size.
        QTest::mousePress(&view, Qt::LeftButton, {}, at(20, 40));
        QTest::mouseMove(&view, at(25, 30));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, at(25, 30));
        QVERIFY(model.pblock("fc1") == std::optional(project::TileRect { 15, 10, 35, 50 }));

        // Grab the right edge (pixel 4 * 36 = the line after tile 35) and drag it to tile 44.
        const int edgeX = 4 * 36, midY = 4 * (dev->height() - 30);
        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(edgeX, midY));
        QTest::mouseMove(&view, at(44, 30));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, at(44, 30));
        QVERIFY(model.pblock("fc1") == std::optional(project::TileRect { 15, 10, 44, 50 }));
        QCOMPARE(stack.count(), 3);

        // Undo walks back through resize, move and draw; redo restores.
        stack.undo();
        QVERIFY(model.pblock("fc1") == std::optional(project::TileRect { 15, 10, 35, 50 }));
        stack.undo();
        stack.undo();
        QVERIFY(!model.pblock("fc1"));
        QVERIFY(model.constraints().pblocks.empty());
        stack.redo();
        QVERIFY(model.pblock("fc1") == std::optional(project::TileRect { 10, 20, 30, 60 }));

        // Delete key removes it (undoable).
        view.setFocus();
        QTest::keyClick(&view, Qt::Key_Delete);
        QVERIFY(!model.pblock("fc1"));
        stack.undo();
        QVERIFY(model.pblock("fc1") == std::optional(project::TileRect { 10, 20, 30, 60 }));

        // A drag that leaves the device is clipped to it.
        QTest::mousePress(&view, Qt::LeftButton, {}, at(50, 140));
        QTest::mouseMove(&view, QPoint(view.width() - 1, 0));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(view.width() + 40, -40));
        const auto clipped = model.pblock("fc1");
        QVERIFY(clipped);
        QCOMPARE(clipped->col1, dev->width() - 1);
        QCOMPARE(clipped->row1, dev->height() - 1);
        QCOMPARE(clipped->col0, 50);
        QCOMPARE(clipped->row0, 140);
    }

    void feasibilityOnARealPlacement()
    {
        // A small synthetic chain (the placer's own test designs) placed on xc7z020.
        auto dev = loadPart("xc7z020");
        Progress progress;
        place::Netlist netlist = place::buildNetlist(place::syntheticDesign(place::smallSpec(3, 24, 24, 7)));
        const std::string layer = netlist.layers.at(1);
        int64_t demand = 0;
        for (const place::Unit& u : netlist.units)
            if (netlist.layers[size_t(u.layer)] == layer) demand += u.demand.luts;
        const PlacedProject placed = placeNetlist(dev, netlist, {}, progress, 0.05);
        QVERIFY(placed.floorplan->placement);
        QCOMPARE(placed.floorplan->heatmaps.size(), size_t(3));

        QUndoStack stack;
        PblockModel model(&stack);
        model.setFloorplan(placed.floorplan);
        // Two CLB columns x 5 rows hold 2 * 5 * 8 = 80 LUTs (8 LUT per 7-series CLB), far below the layer's demand.
        model.editPblock(layer, project::TileRect { 1, 10, 2, 14 }, QStringLiteral("tiny"));
        PblockStatus s = model.status(layer);
        QCOMPARE(s.capacity.luts, int64_t(80));
        QCOMPARE(s.demand.luts, demand);
        QVERIFY(!s.valid);
        QVERIFY2(s.reason.contains(QStringLiteral("LUT")), qPrintable(s.reason));
        // Enlarged to the whole lower half it fits.
        model.editPblock(
            layer, project::TileRect { 0, 0, dev->width() - 1, dev->height() / 2 - 1 }, QStringLiteral("big"));
        s = model.status(layer);
        QVERIFY2(s.valid, qPrintable(s.reason));
        QVERIFY(s.capacity.luts >= s.demand.luts);
        // A pblock for a name the design does not have is refused with the placer's reason.
        model.editPblock("no_such_layer", project::TileRect { 0, 0, 3, 3 }, QStringLiteral("bad"));
        QVERIFY(!model.status("no_such_layer").valid);
        QVERIFY(model.status("no_such_layer").reason.contains(QStringLiteral("names no layer")));
    }

    void placementMapsEachLayersTemplate()
    {
        // The project's per-layer template reaches the placed design: MatMul_56 on dsp changes that layer's units
        // and nothing else (the place job used to map every layer on the default template).
        project::Project example
            = project::loadProject(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");
        Progress progress;
        const PlacedProject tlmac = placeProject(example, progress);
        example.overrides["MatMul_56"].templateKind = ir::TemplateKind::Dsp;
        const PlacedProject dsp = placeProject(example, progress);
        const auto layerLuts = [](const place::Netlist& n, const std::string& layer) {
            int64_t luts = 0;
            for (const place::Unit& u : n.units)
                if (n.layers.at(size_t(u.layer)) == layer) luts += u.demand.luts;
            return luts;
        };
        const place::Netlist& a = *tlmac.floorplan->netlist;
        const place::Netlist& b = *dsp.floorplan->netlist;
        QCOMPARE(a.layers, b.layers);
        for (const std::string& layer : a.layers) {
            const bool changed = layerLuts(a, layer) != layerLuts(b, layer);
            QVERIFY2(changed == (layer == a.layers.back()), layer.c_str());
        }
    }

    void screenshots()
    {
        // The bundled example placed on its device, and a ResNet-18-sized synthetic design on xcvu13p.
        const project::Project example
            = project::loadProject(LUTHIER_SOURCE_DIR "/resources/examples/tfc_2w2a/tfc_2w2a.luthier");
        Progress progress;
        const PlacedProject placed = placeProject(example, progress);
        QVERIFY(placed.floorplan->netlist);
        QUndoStack stack;
        FloorplanPanel panel(&stack);
        panel.resize(1100, 760);
        panel.setFloorplan(placed.floorplan);
        const QString layer = QString::fromStdString(placed.floorplan->netlist->layers.at(1));
        panel.setSelectedLayer(layer);
        const device::TileRect b = placed.floorplan->layerBounds.at(1);
        panel.pblocks()->editPblock(
            layer.toStdString(), project::TileRect { b.col0, b.row0, b.col1 + 4, b.row1 + 10 }, QStringLiteral("draw"));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.view()->zoomToFit();
        panel.view()->waitForRender();
        QVERIFY(panel.grab().save(screensDir() + QStringLiteral("/floorplan_tfc_xc7z020.png")));
        panel.setHeatmap(1);
        panel.view()->waitForRender();
        QVERIFY(panel.grab().save(screensDir() + QStringLiteral("/floorplan_tfc_rudy.png")));

        auto big = loadPart("xcvu13p");
        place::SyntheticSpec spec = place::resnet18Spec();
        const PlacedProject resnet
            = placeNetlist(big, place::buildNetlist(place::syntheticDesign(spec)), {}, progress, 0.05);
        FloorplanPanel vu(&stack);
        vu.resize(1100, 900);
        vu.setFloorplan(resnet.floorplan);
        vu.show();
        QVERIFY(QTest::qWaitForWindowExposed(&vu));
        vu.view()->zoomToFit();
        QElapsedTimer clock;
        clock.start();
        vu.view()->waitForRender();
        qInfo("xcvu13p full view rendered at level %d in %lld ms", vu.view()->renderedLevel(),
            (long long)clock.elapsed());
        QVERIFY(vu.grab().save(screensDir() + QStringLiteral("/floorplan_resnet18_xcvu13p.png")));
        vu.setLogScale(true);
        vu.setHeatmap(2);
        vu.view()->waitForRender();
        QVERIFY(vu.grab().save(screensDir() + QStringLiteral("/floorplan_resnet18_muxfanin_log.png")));
        vu.view()->zoomBy(12.0, QPointF(300, 450));
        vu.view()->waitForRender();
        QVERIFY(vu.grab().save(screensDir() + QStringLiteral("/floorplan_resnet18_zoom.png")));
    }
};

QTEST_MAIN(TestFloorplan)
#include "test_floorplan.moc"
