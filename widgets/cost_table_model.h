#pragma once
// The selected layer's cost under every hardware template, side by side (DESIGN.md section 5), so the
// user can compare before choosing one in the inspector. The assigned template's row is bold.

#include <QAbstractTableModel>

namespace luthier::widgets {

class Document;

class CostTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Template, Luts, Ffs, Dsps, Brams, Cycles, ColumnCount };

    explicit CostTableModel(Document* document, QObject* parent = nullptr);

    void setLayer(int layer); // -1: none
    int layer() const { return m_layer; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void reload();

    Document* m_document;
    int m_layer = -1;
    int m_rows = 0;
};

} // namespace luthier::widgets
