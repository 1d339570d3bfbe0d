#pragma once
// The LUT explainer (teaching view): for a TLMAC layer of a compiled model, one LUT array's K address
// bits (cluster select vs. activation bits), the weight groups it stores per cluster, its truth table and
// INIT strings; and a step-through of one output's dot product, lookup by lookup, from the activation
// bit-planes to the accumulator, which ends at the golden model's value (checked, shown in green, or in
// red with the difference). A side table computes the same dot product as multiply-accumulate,
// shift-add and LUT-NA chunk lookups with their operation counts and the layer's cost per template.

#include "explainer_model.h"
#include "explainer_tables.h"

#include <QWidget>
#include <memory>

class QLabel;
class QSpinBox;
class QComboBox;
class QTableView;
class QTableWidget;
class QTimer;
class QToolButton;

namespace luthier::widgets {

class AddressBitsWidget;

class ExplainerPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExplainerPanel(QWidget* parent = nullptr);

    void setSource(std::shared_ptr<const ExplainerSource> source);
    const ExplainerSource* source() const { return m_source.get(); }
    int currentLayer() const { return m_layer; }
    void selectLayer(int designLayer);
    void selectOutput(int64_t output);
    void selectArray(int array);

    // Step-through: position 0 shows the empty accumulator, position lookupCount() the finished sum.
    int lookupCount() const;
    int position() const { return m_position; }
    void setPosition(int position);
    void play();
    const DotProductTrace& trace() const { return m_trace; }

private:
    void rebuildLayer();
    void rebuildArray();
    void rebuildTrace();
    void updatePosition();

    std::shared_ptr<const ExplainerSource> m_source;
    int m_layer = 0;
    DotProductTrace m_trace;
    ArrayView m_array;
    // Models over m_trace and m_array; row position - 1 of the step table is the lookup at that position.
    StepTableModel* m_stepModel;
    StoredGroupsModel* m_groupsModel;
    TruthTableModel* m_tableModel;
    int m_position = 0;

    QComboBox* m_layerBox;
    QSpinBox* m_outputBox;
    QSpinBox* m_arrayBox;
    QLabel* m_geometry;
    AddressBitsWidget* m_address;
    QTableView* m_groups;
    QTableView* m_table;
    QLabel* m_init;
    QTableView* m_steps;
    QLabel* m_result;
    QTableWidget* m_alternatives;
    QToolButton* m_play;
    QTimer* m_timer;
};

} // namespace luthier::widgets
