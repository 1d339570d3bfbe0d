#pragma once
// The LUT explainer's tables as item models over the explainer's own structs: the cells are formatted when a
// view asks for the rows it shows. The panel filled QTableWidgets one item at a time with columns resizing to
// their contents, which re-measured every row after every cell: about 10 s on the GUI thread for the example's
// 524-lookup trace (issue 25).

#include "explainer_model.h"

#include <QAbstractTableModel>
#include <utility>
#include <vector>

namespace luthier::widgets {

// One row per table lookup of a dot-product trace, in the order the hardware performs them.
class StepTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Group, Cluster, Array, Weights, Codes, Plane, Bits, Table, Shifted, Sum, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setTrace(const DotProductTrace* trace); // not owned; nullptr empties the table
    // Row r is lookup lookups()[r] = (step, lookup within the step).
    const std::vector<std::pair<int, int>>& lookups() const { return m_lookups; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const DotProductTrace* m_trace = nullptr;
    std::vector<std::pair<int, int>> m_lookups;
};

// The weight group each cluster of one LUT array stores.
class StoredGroupsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    void setArray(const ArrayView* view); // not owned

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const ArrayView* m_view = nullptr;
};

// The 2^K rows of one LUT array's truth table; row r is address r.
class TruthTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Address, Cluster, ActivationBits, Value, OutputBits, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setArray(const ArrayView* view); // not owned

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const ArrayView* m_view = nullptr;
};

} // namespace luthier::widgets
