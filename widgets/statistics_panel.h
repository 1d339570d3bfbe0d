#pragma once
// The statistics panel (QCustomPlot): the selected layer's weight histogram and unique-group frequency,
// the LUTs of every layer under every template, and accuracy against LUTs for the configurations the
// golden model evaluated in this session, with their Pareto front.

#include <QWidget>

class QCustomPlot;
class QItemSelectionModel;

namespace luthier::widgets {

class Document;

class StatisticsPanel : public QWidget {
    Q_OBJECT
public:
    StatisticsPanel(Document* document, QItemSelectionModel* selection, QWidget* parent = nullptr);

    QCustomPlot* histogramPlot() const { return m_histogram; }
    QCustomPlot* groupPlot() const { return m_groups; }
    QCustomPlot* lutPlot() const { return m_luts; }
    QCustomPlot* accuracyPlot() const { return m_accuracy; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void refreshLayerPlots();
    void refreshLutPlot();
    void refreshAccuracyPlot();
    void refreshAll();
    void style(QCustomPlot* plot, const QString& title);

    Document* m_document;
    QItemSelectionModel* m_selection;
    QCustomPlot* m_histogram;
    QCustomPlot* m_groups;
    QCustomPlot* m_luts;
    QCustomPlot* m_accuracy;
};

} // namespace luthier::widgets
