#pragma once
// The floorplan dock: heatmap choice, linear/log scale and range (automatic: 0 .. the map's maximum),
// the pan / pblock tools, the view, its legend, and a status line for the selected layer's pblock
// (capacity vs. demand, or in red why the placer would refuse it).
//
// The owner (main window) feeds it floorplan data (after a place job) and the selected layer, keeps the
// pblock model's constraints in step with the project, and listens to layerSelected().

#include "floorplan_data.h"

#include <QWidget>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QToolButton;
class QUndoStack;

namespace luthier::widgets {

class FloorplanLegend;
class FloorplanView;
class PblockModel;

class FloorplanPanel : public QWidget {
    Q_OBJECT
public:
    explicit FloorplanPanel(QUndoStack* undoStack, QWidget* parent = nullptr);

    FloorplanView* view() const { return m_view; }
    PblockModel* pblocks() const { return m_pblocks; }
    void setFloorplan(std::shared_ptr<const FloorplanData> data);
    void setSelectedLayer(const QString& name);
    void setHeatmap(int index);
    void setLogScale(bool log);

Q_SIGNALS:
    void layerSelected(const QString& name); // a unit was clicked

private:
    void updateRange();
    void updateStatus();

    FloorplanView* m_view;
    FloorplanLegend* m_legend;
    PblockModel* m_pblocks;
    QComboBox* m_heatmap;
    QComboBox* m_scale;
    QCheckBox* m_autoRange;
    QDoubleSpinBox* m_lo;
    QDoubleSpinBox* m_hi;
    QToolButton* m_panTool;
    QToolButton* m_pblockTool;
    QToolButton* m_deletePblock;
    QLabel* m_status;
};

} // namespace luthier::widgets
