#include "undo_commands.h"

#include "document.h"

namespace luthier::widgets {

SetLayerOverrideCommand::SetLayerOverrideCommand(
    Document* document, int layer, quant::LayerOverride before, quant::LayerOverride after, const QString& text)
    : QUndoCommand(text)
    , m_document(document)
    , m_layer(layer)
    , m_before(std::move(before))
    , m_after(std::move(after))
{
}

void SetLayerOverrideCommand::redo()
{
    m_document->setLayerOverride(m_layer, m_after);
}

void SetLayerOverrideCommand::undo()
{
    m_document->setLayerOverride(m_layer, m_before);
}

SetDatasetCommand::SetDatasetCommand(
    Document* document, project::DatasetPaths before, project::DatasetPaths after, const QString& text)
    : QUndoCommand(text)
    , m_document(document)
    , m_before(std::move(before))
    , m_after(std::move(after))
{
}

void SetDatasetCommand::redo()
{
    m_document->setDataset(m_after);
}

void SetDatasetCommand::undo()
{
    m_document->setDataset(m_before);
}

} // namespace luthier::widgets
