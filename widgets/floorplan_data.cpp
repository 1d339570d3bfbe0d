#include "floorplan_data.h"

#include "util/error.h"

#include <QLocale>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace luthier::widgets {

namespace {

constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();

float maxOf(float a, float b)
{
    if (std::isnan(a)) return b;
    if (std::isnan(b)) return a;
    return std::max(a, b);
}

} // namespace

HeatmapPyramid buildPyramid(place::Heatmap map, const std::vector<uint8_t>& noData)
{
    HeatmapPyramid p;
    const int w = map.width, h = map.height;
    std::vector<float> base(size_t(w) * size_t(h));
    double minPositive = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < base.size(); ++i) {
        const double v = map.values[i];
        base[i] = (v == 0.0 && !noData.empty() && noData[i]) ? kNoData : float(v);
        p.maxValue = std::max(p.maxValue, v);
        if (v > 0) minPositive = std::min(minPositive, v);
    }
    p.minPositive = std::isinf(minPositive) ? 0.0 : minPositive;
    p.map = std::move(map);
    p.levels.push_back(std::move(base));
    // Halve until one block covers the device.
    for (int k = 1; p.levelWidth(k - 1) > 1 || p.levelHeight(k - 1) > 1; ++k) {
        const int pw = p.levelWidth(k - 1), ph = p.levelHeight(k - 1);
        const int cw = p.levelWidth(k), ch = p.levelHeight(k);
        const std::vector<float>& prev = p.levels.back();
        std::vector<float> next(size_t(cw) * size_t(ch), kNoData);
        for (int j = 0; j < ph; ++j)
            for (int i = 0; i < pw; ++i) {
                float& slot = next[size_t(j / 2) * size_t(cw) + size_t(i / 2)];
                slot = maxOf(slot, prev[size_t(j) * size_t(pw) + size_t(i)]);
            }
        p.levels.push_back(std::move(next));
    }
    return p;
}

int FloorplanData::cellAt(int x, int y) const
{
    if (!placement) return -1;
    for (size_t c = 0; c < placement->cells.size(); ++c)
        if (placement->cells[c].contains(x, y)) return int(c);
    return -1;
}

int FloorplanData::layerAt(int x, int y) const
{
    const int cell = cellAt(x, y);
    if (cell < 0 || cellUnits[size_t(cell)].empty()) return -1;
    return netlist->units[size_t(cellUnits[size_t(cell)].front())].layer;
}

QString FloorplanData::describeTile(int x, int y) const
{
    if (!device || x < 0 || y < 0 || x >= device->width() || y >= device->height()) return {};
    QString text = QStringLiteral("<b>X%1 Y%2</b> &nbsp;%3")
                       .arg(x)
                       .arg(y)
                       .arg(QString::fromStdString(std::string(device::toString(device->columnKind(x)))));
    if (device->inHole(x, y)) text += QStringLiteral(" (hard block)");
    if (const int slr = device->slrOfRow(y); device->slrCount() > 1) text += QStringLiteral(", SLR %1").arg(slr);
    for (const HeatmapPyramid& p : heatmaps)
        text += QStringLiteral("<br>%1: %2").arg(heatmapTitle(p.map.name), QLocale().toString(p.map.at(x, y), 'g', 4));
    const int cell = cellAt(x, y);
    if (cell >= 0 && !cellUnits[size_t(cell)].empty()) {
        // Count units per layer: a cell typically holds a few banks of one or two layers.
        std::vector<std::pair<int, int>> counts;
        for (int u : cellUnits[size_t(cell)]) {
            const int layer = netlist->units[size_t(u)].layer;
            auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == layer; });
            if (it == counts.end())
                counts.emplace_back(layer, 1);
            else
                ++it->second;
        }
        text += QStringLiteral("<br>cell %1 (%2):")
                    .arg(cell)
                    .arg(QString::fromStdString(device::toString(placement->cells[size_t(cell)])));
        for (const auto& [layer, n] : counts)
            text += QStringLiteral("<br>&nbsp;&nbsp;<span style='color:%1'>&#9632;</span> %2: %3 unit(s)")
                        .arg(layerColour(layer).name(),
                            QString::fromStdString(netlist->layers[size_t(layer)]).toHtmlEscaped())
                        .arg(n);
    }
    return text;
}

std::shared_ptr<const FloorplanData> buildFloorplanData(std::shared_ptr<const device::Device> device,
    std::shared_ptr<const place::Netlist> netlist, std::shared_ptr<const place::Placement> placement)
{
    if (!device) throw Error("floorplan: no device");
    if (bool(netlist) != bool(placement))
        throw Error("floorplan: a netlist needs its placement and a placement its netlist");
    if (placement && (placement->width != device->width() || placement->height != device->height()))
        throw Error("floorplan: the placement was made for " + placement->part + ", not " + device->part());
    auto data = std::make_shared<FloorplanData>();
    const int w = device->width(), h = device->height();
    data->lutTile.assign(size_t(w) * size_t(h), 0);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            data->lutTile[size_t(y) * size_t(w) + size_t(x)]
                = device->columnKind(x) == device::TileKind::Clb && !device->inHole(x, y);
    if (placement) {
        std::vector<uint8_t> noData(data->lutTile.size());
        for (size_t i = 0; i < noData.size(); ++i)
            noData[i] = !data->lutTile[i];
        for (const std::string& name : place::heatmapNames())
            data->heatmaps.push_back(buildPyramid(place::heatmap(name, *device, *netlist, *placement), noData));
        data->layerBounds = place::layerBounds(*netlist, *placement);
        data->cellUnits.resize(placement->cells.size());
        for (size_t u = 0; u < placement->unitCell.size(); ++u)
            data->cellUnits[size_t(placement->unitCell[u])].push_back(int(u));
    }
    data->device = std::move(device);
    data->netlist = std::move(netlist);
    data->placement = std::move(placement);
    return data;
}

QColor layerColour(int layer)
{
    // Okabe and Ito (2008), without black: distinguishable with every common colour-vision deficiency.
    static constexpr std::array<QRgb, 7> palette { 0xe69f00, 0x56b4e9, 0x009e73, 0xf0e442, 0x0072b2, 0xd55e00,
        0xcc79a7 };
    return QColor::fromRgb(palette[size_t(std::max(0, layer)) % palette.size()]);
}

QString heatmapTitle(const std::string& name)
{
    if (name == "lut") return QStringLiteral("LUT utilisation");
    if (name == "rudy") return QStringLiteral("Wire demand (RUDY)");
    if (name == "muxfanin") return QStringLiteral("Multiplexer fan-in");
    return QString::fromStdString(name);
}

} // namespace luthier::widgets
