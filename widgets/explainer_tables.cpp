#include "explainer_tables.h"

#include <QFontDatabase>
#include <QStringList>

namespace luthier::widgets {

namespace {

QString binary(uint64_t value, int bits)
{
    return bits <= 0 ? QString() : QStringLiteral("%1").arg(value, bits, 2, QLatin1Char('0'));
}

template <typename T> QString tuple(const std::vector<T>& values)
{
    QStringList parts;
    for (T v : values)
        parts << QString::number(v);
    return QStringLiteral("(") + parts.join(QStringLiteral(", ")) + QStringLiteral(")");
}

// Bit patterns line up in a fixed-width font.
QVariant monospace()
{
    static const QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    return font;
}

QVariant header(const QStringList& names, int section, Qt::Orientation orientation, int role)
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= names.size()) return {};
    return names[section];
}

} // namespace

void StepTableModel::setTrace(const DotProductTrace* trace)
{
    beginResetModel();
    m_trace = trace;
    m_lookups.clear();
    if (trace)
        for (int s = 0; s < int(trace->steps.size()); ++s)
            for (int l = 0; l < int(trace->steps[size_t(s)].lookups.size()); ++l)
                m_lookups.emplace_back(s, l);
    endResetModel();
}

int StepTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_lookups.size());
}

int StepTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StepTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_trace || !index.isValid() || index.row() >= int(m_lookups.size())) return {};
    const auto [s, l] = m_lookups[size_t(index.row())];
    const GroupStep& g = m_trace->steps[size_t(s)];
    const PlaneLookup& p = g.lookups[size_t(l)];
    if (role == Qt::FontRole) return index.column() == Bits ? monospace() : QVariant();
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Group:
        return QString::number(g.group);
    case Cluster:
        return QString::number(g.cluster);
    case Array:
        return QString::number(g.array);
    case Weights:
        return tuple(g.weights);
    case Codes:
        return tuple(g.codes);
    case Plane:
        return QString::number(p.plane);
    case Bits:
        return binary(p.activationBits, int(g.codes.size()));
    case Table:
        return QString::number(p.tableValue);
    case Shifted:
        return QStringLiteral("%1 × 2^%2 = %3").arg(p.tableValue).arg(p.plane).arg(p.shifted);
    case Sum:
        return QString::number(p.running);
    default:
        return {};
    }
}

QVariant StepTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header({ tr("group"), tr("cluster"), tr("array"), tr("weights"), tr("codes"), tr("plane"), tr("bits"),
                      tr("table"), tr("shifted"), tr("sum S") },
        section, orientation, role);
}

void StoredGroupsModel::setArray(const ArrayView* view)
{
    beginResetModel();
    m_view = view;
    endResetModel();
}

int StoredGroupsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_view ? 0 : int(m_view->storedGroups.size());
}

int StoredGroupsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 2;
}

QVariant StoredGroupsModel::data(const QModelIndex& index, int role) const
{
    if (!m_view || !index.isValid() || role != Qt::DisplayRole || index.row() >= rowCount()) return {};
    const std::vector<int32_t>& group = m_view->storedGroups[size_t(index.row())];
    if (index.column() == 0) return QString::number(index.row());
    return group.empty() ? tr("(empty)") : tuple(group);
}

QVariant StoredGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header({ tr("cluster"), tr("stored weight group") }, section, orientation, role);
}

void TruthTableModel::setArray(const ArrayView* view)
{
    beginResetModel();
    m_view = view;
    endResetModel();
}

int TruthTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_view ? 0 : int(m_view->rows.size());
}

int TruthTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TruthTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_view || !index.isValid() || index.row() >= rowCount()) return {};
    const int column = index.column();
    if (role == Qt::FontRole)
        return column == Address || column == ActivationBits || column == OutputBits ? monospace() : QVariant();
    if (role != Qt::DisplayRole) return {};
    const TruthTableRow& row = m_view->rows[size_t(index.row())];
    switch (column) {
    case Address:
        return binary(row.address, m_view->lutInputs);
    case Cluster:
        return QString::number(row.cluster);
    case ActivationBits:
        return binary(row.activationBits, m_view->groupSize);
    case Value:
        return QString::number(row.value);
    case OutputBits: {
        const uint64_t mask = m_view->lutWidth >= 64 ? ~uint64_t(0) : (uint64_t(1) << m_view->lutWidth) - 1;
        return binary(uint64_t(row.value) & mask, m_view->lutWidth);
    }
    default:
        return {};
    }
}

QVariant TruthTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header(
        { tr("address"), tr("cluster"), tr("act. bits"), tr("value"), tr("output bits") }, section, orientation, role);
}

} // namespace luthier::widgets
