#include "layer_table_model.h"

#include "document.h"
#include "format.h"

#include <QFont>

namespace luthier::widgets {

LayerTableModel::LayerTableModel(Document* document, QObject* parent)
    : QAbstractTableModel(parent)
    , m_document(document)
{
    connect(document, &Document::documentReset, this, [this] {
        beginResetModel();
        endResetModel();
    });
    connect(document, &Document::analysisUpdated, this, &LayerTableModel::refreshAnalysisColumns);
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_document->graph())
        return 0;
    return int(m_document->graph()->layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ir::Layer& layer = m_document->graph()->layers[size_t(index.row())];
    const auto& metrics = m_document->analysis().layers;
    const LayerMetrics* m = size_t(index.row()) < metrics.size() ? &metrics[size_t(index.row())] : nullptr;

    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name:
            return QString::fromStdString(layer.name);
        case Kind:
            return QString::fromUtf8(ir::toString(layer.kind));
        case OutputShape:
            return shapeText(layer.outShape);
        case Weights:
            return m && m->hasWeights ? bitsText(m->weightBits, m->scheme) : QVariant();
        case Activations:
            return m && m->activationBits > 0 ? QStringLiteral("%1 b").arg(m->activationBits) : QVariant();
        case Template:
            return m && m->hasWeights ? QString::fromUtf8(arch::toString(m->templateKind)) : QVariant();
        case Luts:
            if (const TemplateCost* c = m ? m->assignedCost() : nullptr)
                return groupedNumber(c->luts);
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == Luts)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && (index.column() == Weights || index.column() == Activations) && m) {
        // Bold where the user overrode the model's choice.
        const quant::LayerOverride o = m_document->layerOverride(index.row());
        if ((index.column() == Weights && (o.weightBits || o.weightScheme))
            || (index.column() == Activations && o.activationBits)) {
            QFont font;
            font.setBold(true);
            return font;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Name)
        return QStringLiteral("%1 (%2)").arg(QString::fromStdString(layer.name), QString::fromStdString(layer.opType));
    return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Layer");
    case Kind:
        return tr("Kind");
    case OutputShape:
        return tr("Output");
    case Weights:
        return tr("Weights");
    case Activations:
        return tr("Act.");
    case Template:
        return tr("Template");
    case Luts:
        return tr("LUTs");
    }
    return {};
}

void LayerTableModel::refreshAnalysisColumns()
{
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, Weights), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace luthier::widgets
