#pragma once
// The selected layer's properties (shapes, parameters, quantisation, statistics, cost per template) and
// the editors for its overrides: weight bits, activation bits, weight scheme, template, group size.
// Each edit goes onto the document's undo stack; the numbers below refresh when the background
// analysis catches up.

#include "quant/overrides.h"

#include <QWidget>
#include <functional>

class QComboBox;
class QItemSelectionModel;
class QLabel;
class QModelIndex;
class QPushButton;
class QSpinBox;
class QTableView;

namespace luthier::widgets {

class CostTableModel;
class Document;

class LayerInspector : public QWidget {
    Q_OBJECT
public:
    LayerInspector(Document* document, QItemSelectionModel* selection, QWidget* parent = nullptr);

    int layer() const { return m_layer; }
    CostTableModel* costModel() const { return m_costModel; }

private:
    void showLayer(int layer);
    void refresh(); // re-reads the document for the current layer
    void edit(const QString& what, const std::function<void(quant::LayerOverride&)>& change);
    QWidget* buildEditors();

    Document* m_document;
    QItemSelectionModel* m_selection;
    CostTableModel* m_costModel;
    int m_layer = -1;

    QWidget* m_content;
    QLabel* m_placeholder;
    QLabel* m_title;
    QLabel* m_subtitle;
    QLabel* m_inputs;
    QLabel* m_output;
    QLabel* m_weightShape;
    QLabel* m_parameters;
    QLabel* m_macs;
    QLabel* m_epilogue;
    QLabel* m_weightQuant;
    QLabel* m_activationQuant;
    QSpinBox* m_weightBits;
    QSpinBox* m_activationBits;
    QComboBox* m_scheme;
    QComboBox* m_template;
    QSpinBox* m_groupSize;
    QLabel* m_tables; // learned LUT-Dense tables from the project (docs/learned-tables.md); set in the file
    QPushButton* m_reset;
    QLabel* m_groups;
    QLabel* m_zeros;
    QLabel* m_topShare;
    QLabel* m_levels;
    QLabel* m_statsNote;
    QTableView* m_costView;
    QLabel* m_costNote;
};

} // namespace luthier::widgets
