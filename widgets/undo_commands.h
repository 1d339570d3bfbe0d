#pragma once
// Undoable edits of the project. Commands hold values, not pointers into the model, so they stay valid
// while the analysis recomputes in the background.

#include "project/project_file.h"
#include "quant/overrides.h"

#include <QUndoCommand>

namespace luthier::widgets {

class Document;

// Replaces one layer's override (weight bits, activation bits, scheme, template, group size).
class SetLayerOverrideCommand : public QUndoCommand {
public:
    SetLayerOverrideCommand(
        Document* document, int layer, quant::LayerOverride before, quant::LayerOverride after, const QString& text);
    void redo() override;
    void undo() override;

private:
    Document* m_document;
    int m_layer;
    quant::LayerOverride m_before, m_after;
};

// Attaches, replaces or detaches the dataset that accuracy is measured on.
class SetDatasetCommand : public QUndoCommand {
public:
    SetDatasetCommand(
        Document* document, project::DatasetPaths before, project::DatasetPaths after, const QString& text);
    void redo() override;
    void undo() override;

private:
    Document* m_document;
    project::DatasetPaths m_before, m_after;
};

} // namespace luthier::widgets
