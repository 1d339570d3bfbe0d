#include "floorplan_pblocks.h"

#include "pipeline/pipeline.h"
#include "place/constraints.h"
#include "place/region_grid.h"
#include "util/error.h"

#include <QUndoStack>
#include <algorithm>
#include <sstream>

namespace luthier::widgets {

PblockModel::PblockModel(QUndoStack* undoStack, QObject* parent)
    : QObject(parent)
    , m_undoStack(undoStack)
{
}

PblockModel::~PblockModel() = default;

std::optional<project::TileRect> PblockModel::pblock(const std::string& layer) const
{
    const auto it = m_constraints.pblocks.find(layer);
    if (it == m_constraints.pblocks.end()) return std::nullopt;
    return it->second;
}

void PblockModel::setFloorplan(std::shared_ptr<const FloorplanData> data)
{
    m_data = std::move(data);
    recheck();
    Q_EMIT constraintsChanged();
}

void PblockModel::resetConstraints(const project::Constraints& constraints)
{
    m_constraints = constraints;
    recheck();
    Q_EMIT constraintsChanged();
}

void PblockModel::editPblock(const std::string& layer, std::optional<project::TileRect> rect, const QString& text)
{
    if (rect && m_data && m_data->device) {
        const device::TileRect b = m_data->device->bounds();
        project::TileRect& r = *rect;
        if (r.col0 > r.col1) std::swap(r.col0, r.col1);
        if (r.row0 > r.row1) std::swap(r.row0, r.row1);
        r = { std::clamp(r.col0, b.col0, b.col1), std::clamp(r.row0, b.row0, b.row1),
            std::clamp(r.col1, b.col0, b.col1), std::clamp(r.row1, b.row0, b.row1) };
    }
    const std::optional<project::TileRect> before = pblock(layer);
    if (before == rect) return;
    m_undoStack->push(new SetPblockCommand(this, layer, before, rect, text));
}

void PblockModel::applyPblock(const std::string& layer, const std::optional<project::TileRect>& rect)
{
    if (rect)
        m_constraints.pblocks[layer] = *rect;
    else
        m_constraints.pblocks.erase(layer);
    recheck();
    Q_EMIT constraintsChanged();
}

PblockStatus PblockModel::status(const std::string& layer) const
{
    const auto it = m_status.find(layer);
    return it == m_status.end() ? PblockStatus {} : it->second;
}

void PblockModel::recheck()
{
    m_status.clear();
    if (!m_data || !m_data->device) return;
    const device::Device& device = *m_data->device;
    for (const auto& [name, r] : m_constraints.pblocks) {
        PblockStatus& s = m_status[name];
        s.capacity = device.resourcesIn({ r.col0, r.row0, r.col1, r.row1 });
        if (m_data->netlist)
            for (const place::Unit& u : m_data->netlist->units)
                if (m_data->netlist->layers[size_t(u.layer)] == name) s.demand += u.demand;
        if (!device.bounds().contains(device::TileRect { r.col0, r.row0, r.col1, r.row1 })) {
            s.valid = false;
            s.reason = QStringLiteral("reaches outside the device %1")
                           .arg(QString::fromStdString(device::toString(device.bounds())));
        }
    }
    if (!m_data->netlist || m_constraints.pblocks.empty()) return;
    // The placer's checks list every problem on its own line; each names the pblock in quotes.
    try {
        const int binCols = std::max(1, device.width() / 40), binRows = std::max(1, device.height() / 40);
        place::RegionGrid(device, *m_data->netlist, pipeline::placeConstraints(m_constraints), binCols, binRows);
    } catch (const Error& e) {
        std::istringstream lines(e.what());
        std::string line;
        std::getline(lines, line); // "infeasible placement constraints on <part>:"
        while (std::getline(lines, line)) {
            const QString text = QString::fromStdString(line).trimmed();
            for (auto& [name, s] : m_status)
                if (line.find("'" + name + "'") != std::string::npos) {
                    s.valid = false;
                    if (!s.reason.contains(text))
                        s.reason += (s.reason.isEmpty() ? QString() : QStringLiteral("\n")) + text;
                }
        }
    }
}

SetPblockCommand::SetPblockCommand(PblockModel* model, std::string layer, std::optional<project::TileRect> before,
    std::optional<project::TileRect> after, const QString& text)
    : QUndoCommand(text)
    , m_model(model)
    , m_layer(std::move(layer))
    , m_before(before)
    , m_after(after)
{
}

void SetPblockCommand::redo()
{
    m_model->applyPblock(m_layer, m_after);
}

void SetPblockCommand::undo()
{
    m_model->applyPblock(m_layer, m_before);
}

} // namespace luthier::widgets
