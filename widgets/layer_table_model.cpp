#include "layer_table_model.h"

#include "document.h"
#include "format.h"

#include <QFileInfo>
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
    connect(document, &Document::vivadoUtilizationChanged, this, [this] {
        if (rowCount() > 0) Q_EMIT dataChanged(index(0, VivadoLuts), index(rowCount() - 1, VivadoLuts));
    });
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_document->graph()) return 0;
    return int(m_document->graph()->layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ir::Layer& layer = m_document->graph()->layers[size_t(index.row())];
    const auto& metrics = m_document->analysis().layers;
    const LayerMetrics* m = size_t(index.row()) < metrics.size() ? &metrics[size_t(index.row())] : nullptr;
    const exporter::LayerUtilization* vivado = m_document->vivadoUtilization(layer.name);

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
            return m && m->hasWeights ? QString::fromUtf8(ir::toString(m->templateKind)) : QVariant();
        case Luts:
            if (const TemplateCost* c = m ? m->assignedCost() : nullptr) return groupedNumber(c->luts);
            return {};
        case VivadoLuts:
            return vivado ? groupedNumber(int64_t(vivado->vivado->totalLuts)) : QVariant();
        }
    }
    if (role == Qt::ToolTipRole && index.column() == VivadoLuts && vivado) {
        // Against the compiled design's estimate (the one the report's design was built from), not the
        // current analysis, which may describe later edits.
        const exporter::UtilizationRow& v = *vivado->vivado;
        const auto& e = vivado->layer.estimate;
        const auto error = [](double real, int64_t estimate) {
            return real > 0 ? QStringLiteral("%1%2 %")
                                  .arg(estimate >= real ? "+" : "")
                                  .arg((double(estimate) - real) / real * 100.0, 0, 'f', 1)
                            : QStringLiteral("-");
        };
        return tr("Vivado (%1): %2 LUT, %3 FF, %4 DSP, %5 BRAM36\nCompiler estimate: %6 LUT (%7), %8 FF (%9), %10 DSP, "
                  "%11 BRAM36")
            .arg(QFileInfo(m_document->vivadoReportPath()).fileName())
            .arg(v.totalLuts)
            .arg(v.ffs)
            .arg(v.dsps)
            .arg(v.bram36())
            .arg(e.lut)
            .arg(error(v.totalLuts, e.lut))
            .arg(e.ff)
            .arg(error(v.ffs, e.ff))
            .arg(e.dsp)
            .arg(e.bram);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Luts || index.column() == VivadoLuts))
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
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
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
    case VivadoLuts:
        return tr("Vivado LUTs");
    }
    return {};
}

void LayerTableModel::refreshAnalysisColumns()
{
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, Weights), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace luthier::widgets
