#include "cost_table_model.h"

#include "document.h"
#include "format.h"

#include <QFont>

namespace luthier::widgets {

namespace {
constexpr int kTemplateCount = int(std::size(ir::kAllTemplates));
}

CostTableModel::CostTableModel(Document* document, QObject* parent)
    : QAbstractTableModel(parent)
    , m_document(document)
{
    connect(document, &Document::documentReset, this, [this] { setLayer(-1); });
    connect(document, &Document::analysisUpdated, this, &CostTableModel::reload);
}

void CostTableModel::setLayer(int layer)
{
    m_layer = layer;
    reload();
}

void CostTableModel::reload()
{
    // Rows exist only when the layer has costs, so an empty table reads as "nothing to compare".
    const auto& layers = m_document->analysis().layers;
    const bool hasCosts = m_layer >= 0 && size_t(m_layer) < layers.size() && !layers[size_t(m_layer)].costs.empty();
    const int rows = hasCosts ? kTemplateCount : 0;
    if (rows != m_rows) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    } else if (rows > 0) {
        Q_EMIT dataChanged(index(0, 0), index(rows - 1, ColumnCount - 1));
    }
}

int CostTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int CostTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CostTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const LayerMetrics& m = m_document->analysis().layers[size_t(m_layer)];
    const ir::TemplateKind kind = ir::kAllTemplates[index.row()];
    const TemplateCost* c = m.cost(kind); // null when unavailable
    const auto raw = m.costs.find(kind);
    if (role == Qt::DisplayRole) {
        if (index.column() == Template) return QString::fromUtf8(ir::toString(kind));
        if (!c) return index.column() == Luts ? tr("n/a") : QVariant();
        switch (index.column()) {
        case Luts:
            return groupedNumber(c->luts);
        case Ffs:
            return groupedNumber(c->ffs);
        case Dsps:
            return groupedNumber(c->dsps);
        case Brams:
            return QString::number(c->brams, 'g', 3);
        case Cycles:
            return groupedNumber(c->cycles);
        }
    }
    if (role == Qt::ToolTipRole && raw != m.costs.end()) return QString::fromStdString(raw->second.explanation);
    if (role == Qt::TextAlignmentRole && index.column() != Template) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && kind == m.templateKind) {
        QFont font;
        font.setBold(true);
        return font;
    }
    return {};
}

QVariant CostTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = { "Template", "LUTs", "FFs", "DSPs", "BRAM", "Cycles" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace luthier::widgets
