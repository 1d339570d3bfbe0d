#pragma once
// The project's pblocks as the floorplan edits them. Holds a copy of the project's constraints; every
// edit is a SetPblockCommand on the undo stack it is given, and every change (edit, undo, redo, reset)
// emits constraintsChanged() so the owner writes the constraints back into the project.
//
// Feasibility comes from the placer's own checks (place::RegionGrid): a pblock is invalid exactly when
// the placer would refuse it, and the reason is the placer's message about that pblock.

#include "floorplan_data.h"
#include "project/project_file.h"

#include <QObject>
#include <QString>
#include <QUndoCommand>
#include <map>
#include <memory>
#include <optional>
#include <string>

class QUndoStack;

namespace luthier::widgets {

struct PblockStatus {
    bool valid = true;
    QString reason; // why the placer would refuse it (one line per problem), empty when valid
    device::Resources capacity; // of the tiles in the rectangle
    device::Resources demand; // of the layer's units (block RAM in RAMB36 equivalents); zero without a netlist
};

class PblockModel : public QObject {
    Q_OBJECT
public:
    explicit PblockModel(QUndoStack* undoStack, QObject* parent = nullptr);
    ~PblockModel() override;

    QUndoStack* undoStack() const { return m_undoStack; }
    const project::Constraints& constraints() const { return m_constraints; }
    std::optional<project::TileRect> pblock(const std::string& layer) const;

    // The design the checks use; a null netlist checks the device bounds only.
    void setFloorplan(std::shared_ptr<const FloorplanData> data);
    // Replaces every constraint without recording (a project was loaded); clears nothing on the stack.
    void resetConstraints(const project::Constraints& constraints);

    // Records an undoable edit: create or move/resize (rect given) or delete (nullopt) the layer's pblock.
    // The rectangle is clipped to the device. No-op when nothing changes.
    void editPblock(const std::string& layer, std::optional<project::TileRect> rect, const QString& text);
    // Applies without recording: for SetPblockCommand only.
    void applyPblock(const std::string& layer, const std::optional<project::TileRect>& rect);

    PblockStatus status(const std::string& layer) const;

Q_SIGNALS:
    void constraintsChanged();

private:
    void recheck();

    QUndoStack* m_undoStack;
    project::Constraints m_constraints;
    std::shared_ptr<const FloorplanData> m_data;
    std::map<std::string, PblockStatus> m_status;
};

// One pblock edit: before/after rectangles of one layer (nullopt: no pblock).
class SetPblockCommand : public QUndoCommand {
public:
    SetPblockCommand(PblockModel* model, std::string layer, std::optional<project::TileRect> before,
        std::optional<project::TileRect> after, const QString& text);
    void redo() override;
    void undo() override;

private:
    PblockModel* m_model;
    std::string m_layer;
    std::optional<project::TileRect> m_before, m_after;
};

} // namespace luthier::widgets
