#pragma once
// One row per layer of the open model, in topological order: the list view of the layer graph, and the
// model behind the single selection model that the graph, inspector and plots share.

#include <QAbstractTableModel>

namespace luthier::widgets {

class Document;

class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // VivadoLuts is empty until a Vivado utilisation report is imported (Document::importVivadoReport).
    enum Column { Name, Kind, OutputShape, Weights, Activations, Template, Luts, VivadoLuts, ColumnCount };

    explicit LayerTableModel(Document* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refreshAnalysisColumns();

    Document* m_document;
};

} // namespace luthier::widgets
