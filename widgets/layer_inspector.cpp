#include "layer_inspector.h"

#include "cost_table_model.h"
#include "document.h"
#include "focus_wheel.h"
#include "format.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStringList>
#include <QTableView>
#include <QVBoxLayout>

namespace luthier::widgets {

namespace {

QLabel* valueLabel(QWidget* parent, const char* objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QString quantText(const ir::QuantSpec& q)
{
    if (!q.quantised()) return QStringLiteral("float");
    QString text = QString::fromStdString(q.describe());
    if (!q.bipolar)
        text += q.perChannel() ? QStringLiteral(", per-channel scale")
                               : QStringLiteral(", scale %1").arg(q.scale[0], 0, 'g', 4);
    return text;
}

constexpr int kBitsMax = 16;

} // namespace

LayerInspector::LayerInspector(Document* document, QItemSelectionModel* selection, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_selection(selection)
    , m_costModel(new CostTableModel(document, this))
{
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    auto* page = new QWidget;
    auto* column = new QVBoxLayout(page);
    m_placeholder = new QLabel(tr("Select a layer in the graph or the layer list."), page);
    m_placeholder->setWordWrap(true);
    m_placeholder->setAlignment(Qt::AlignCenter);
    column->addWidget(m_placeholder);

    m_content = new QWidget(page);
    auto* content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    m_title = valueLabel(m_content, "inspectorTitle");
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_subtitle = valueLabel(m_content, "inspectorSubtitle");
    content->addWidget(m_title);
    content->addWidget(m_subtitle);

    auto* shapes = new QGroupBox(tr("Shapes and parameters"), m_content);
    auto* shapesForm = new QFormLayout(shapes);
    m_inputs = valueLabel(shapes, "inspectorInputs");
    m_output = valueLabel(shapes, "inspectorOutput");
    m_weightShape = valueLabel(shapes, "inspectorWeightShape");
    m_parameters = valueLabel(shapes, "inspectorParameters");
    m_macs = valueLabel(shapes, "inspectorMacs");
    m_epilogue = valueLabel(shapes, "inspectorEpilogue");
    shapesForm->addRow(tr("Inputs"), m_inputs);
    shapesForm->addRow(tr("Output"), m_output);
    shapesForm->addRow(tr("Weights"), m_weightShape);
    shapesForm->addRow(tr("Parameters"), m_parameters);
    shapesForm->addRow(tr("MACs / sample"), m_macs);
    shapesForm->addRow(tr("Epilogue"), m_epilogue);
    content->addWidget(shapes);

    content->addWidget(buildEditors());

    auto* stats = new QGroupBox(tr("Weight statistics"), m_content);
    auto* statsForm = new QFormLayout(stats);
    m_groups = valueLabel(stats, "inspectorGroups");
    m_topShare = valueLabel(stats, "inspectorTopShare");
    m_zeros = valueLabel(stats, "inspectorZeros");
    m_levels = valueLabel(stats, "inspectorLevels");
    m_statsNote = valueLabel(stats, "inspectorStatsNote");
    statsForm->addRow(tr("Unique groups"), m_groups);
    statsForm->addRow(tr("Top-8 share"), m_topShare);
    statsForm->addRow(tr("Zero weights"), m_zeros);
    statsForm->addRow(tr("Levels"), m_levels);
    statsForm->addRow(m_statsNote);
    content->addWidget(stats);

    auto* costs = new QGroupBox(tr("Cost per template"), m_content);
    auto* costsLayout = new QVBoxLayout(costs);
    m_costView = new QTableView(costs);
    m_costView->setObjectName(QStringLiteral("costTable"));
    m_costView->setModel(m_costModel);
    m_costView->verticalHeader()->hide();
    m_costView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_costView->horizontalHeader()->setStretchLastSection(true);
    m_costView->setSelectionMode(QAbstractItemView::NoSelection);
    m_costView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_costView->setMinimumHeight(m_costView->verticalHeader()->defaultSectionSize() * 7 + 4);
    m_costNote = valueLabel(costs, "inspectorCostNote");
    costsLayout->addWidget(m_costView);
    costsLayout->addWidget(m_costNote);
    content->addWidget(costs);
    content->addStretch(1);

    column->addWidget(m_content);
    column->addStretch(1);
    scroll->setWidget(page);

    connect(m_selection, &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) { showLayer(current.isValid() ? current.row() : -1); });
    connect(m_document, &Document::documentReset, this, [this] { showLayer(-1); });
    connect(m_document, &Document::layerOverrideChanged, this, [this](int layer) {
        if (layer == m_layer) refresh();
    });
    connect(m_document, &Document::analysisUpdated, this, &LayerInspector::refresh);
    showLayer(-1);
}

QWidget* LayerInspector::buildEditors()
{
    auto* box = new QGroupBox(tr("Quantisation and mapping"), m_content);
    auto* form = new QFormLayout(box);
    m_weightQuant = valueLabel(box, "inspectorWeightQuant");
    m_activationQuant = valueLabel(box, "inspectorActivationQuant");
    form->addRow(tr("Model weights"), m_weightQuant);
    form->addRow(tr("Model output"), m_activationQuant);

    // Spin boxes start at 0, shown as "model": the layer keeps what the model says.
    const auto bitsBox = [box](const char* name, const QString& tip) {
        auto* spin = new FocusWheel<QSpinBox>(box);
        spin->setObjectName(QString::fromLatin1(name));
        spin->setRange(0, kBitsMax);
        spin->setSuffix(tr(" bits"));
        spin->setKeyboardTracking(false);
        spin->setToolTip(tip);
        return spin;
    };
    m_weightBits = bitsBox("weightBits", tr("Re-quantise this layer's weights from the model's float weights"));
    m_activationBits = bitsBox("activationBits", tr("Re-quantise this layer's output activations"));
    m_scheme = new FocusWheel<QComboBox>(box);
    m_scheme->setObjectName(QStringLiteral("weightScheme"));
    m_scheme->addItem(tr("model"), -1);
    m_scheme->addItem(tr("uniform"), int(ir::WeightScheme::Uniform));
    m_scheme->addItem(tr("power of two (shift-add)"), int(ir::WeightScheme::PowerOfTwo));
    m_template = new FocusWheel<QComboBox>(box);
    m_template->setObjectName(QStringLiteral("templateKind"));
    m_template->addItem(tr("default (tlmac)"), -1);
    for (ir::TemplateKind t : ir::kAllTemplates)
        m_template->addItem(QString::fromUtf8(ir::toString(t)), int(t));
    m_groupSize = new FocusWheel<QSpinBox>(box);
    m_groupSize->setObjectName(QStringLiteral("groupSize"));
    m_groupSize->setRange(0, 8);
    m_groupSize->setSpecialValueText(tr("default"));
    m_groupSize->setKeyboardTracking(false);
    m_groupSize->setToolTip(tr("G: consecutive weights that form one lookup group"));
    m_tables = valueLabel(box, "inspectorLearnedTables");
    m_tables->setWordWrap(true);
    m_reset = new QPushButton(tr("Reset to model"), box);
    m_reset->setObjectName(QStringLiteral("resetOverride"));
    form->addRow(tr("Weight bits"), m_weightBits);
    form->addRow(tr("Activation bits"), m_activationBits);
    form->addRow(tr("Weight scheme"), m_scheme);
    form->addRow(tr("Template"), m_template);
    form->addRow(tr("Group size"), m_groupSize);
    form->addRow(tr("Learned tables"), m_tables);
    form->addRow(QString(), m_reset);

    const auto optionalInt = [](int v) { return v > 0 ? std::optional<int>(v) : std::nullopt; };
    connect(m_weightBits, &QSpinBox::valueChanged, this, [this, optionalInt](int v) {
        edit(v ? tr("weight bits = %1").arg(v) : tr("weight bits = model"),
            [&](quant::LayerOverride& o) { o.weightBits = optionalInt(v); });
    });
    connect(m_activationBits, &QSpinBox::valueChanged, this, [this, optionalInt](int v) {
        edit(v ? tr("activation bits = %1").arg(v) : tr("activation bits = model"),
            [&](quant::LayerOverride& o) { o.activationBits = optionalInt(v); });
    });
    connect(m_groupSize, &QSpinBox::valueChanged, this, [this, optionalInt](int v) {
        edit(v ? tr("group size = %1").arg(v) : tr("group size = default"),
            [&](quant::LayerOverride& o) { o.groupSize = optionalInt(v); });
    });
    connect(m_scheme, &QComboBox::activated, this, [this] {
        const int v = m_scheme->currentData().toInt();
        edit(tr("weight scheme = %1").arg(m_scheme->currentText()), [&](quant::LayerOverride& o) {
            o.weightScheme = v < 0 ? std::nullopt : std::optional(ir::WeightScheme(v));
        });
    });
    connect(m_template, &QComboBox::activated, this, [this] {
        const int v = m_template->currentData().toInt();
        edit(tr("template = %1").arg(m_template->currentText()), [&](quant::LayerOverride& o) {
            o.templateKind = v < 0 ? std::nullopt : std::optional(ir::TemplateKind(v));
        });
    });
    connect(m_reset, &QPushButton::clicked, this,
        [this] { edit(tr("reset to model"), [](quant::LayerOverride& o) { o = {}; }); });
    return box;
}

void LayerInspector::edit(const QString& what, const std::function<void(quant::LayerOverride&)>& change)
{
    if (m_layer < 0) return;
    const quant::LayerOverride before = m_document->layerOverride(m_layer);
    quant::LayerOverride after = before;
    change(after);
    if (after.weightBits == before.weightBits && after.activationBits == before.activationBits
        && after.weightScheme == before.weightScheme && after.templateKind == before.templateKind
        && after.groupSize == before.groupSize && after.tables == before.tables)
        return;
    const QString name = QString::fromStdString(m_document->graph()->layers[size_t(m_layer)].name);
    m_document->editLayerOverride(m_layer, after, tr("%1: %2").arg(name, what));
}

void LayerInspector::showLayer(int layer)
{
    const ir::Graph* graph = m_document->graph();
    m_layer = graph && layer >= 0 && layer < int(graph->layers.size()) ? layer : -1;
    m_placeholder->setVisible(m_layer < 0);
    m_content->setVisible(m_layer >= 0);
    m_costModel->setLayer(m_layer);
    if (m_layer < 0) return;

    const ir::Layer& l = graph->layers[size_t(m_layer)];
    m_title->setText(QString::fromStdString(l.name));
    m_subtitle->setText(
        tr("%1 from ONNX %2").arg(QString::fromUtf8(ir::toString(l.kind)), QString::fromStdString(l.opType)));
    QStringList inputs;
    for (int in : l.inputs)
        inputs << QStringLiteral("%1 (%2)").arg(
            QString::fromStdString(graph->layers[size_t(in)].name), shapeText(graph->layers[size_t(in)].outShape));
    m_inputs->setText(
        inputs.isEmpty() ? tr("model input %1").arg(shapeText(graph->inputShape)) : inputs.join(QLatin1Char('\n')));
    m_output->setText(shapeText(l.outShape));
    const bool weights = ir::hasWeights(l.kind);
    m_weightShape->setText(
        weights ? shapeText(l.weight.shape) + (l.bias.empty() ? tr(", no bias") : tr(" + bias")) : tr("none"));
    m_parameters->setText(groupedNumber(l.parameterCount()));
    m_macs->setText(groupedNumber(l.macs()));
    QStringList ops;
    for (const ir::PointwiseOp& op : l.epilogue)
        ops << QString::fromUtf8(op.name());
    m_epilogue->setText(ops.isEmpty() ? tr("none") : ops.join(QStringLiteral(" \u2192 ")));
    m_weightQuant->setText(weights ? quantText(l.weightQuant) : tr("no weights"));
    const ir::QuantSpec* out = l.outputQuant();
    m_activationQuant->setText(out ? quantText(*out) : tr("not quantised"));
    refresh();
}

void LayerInspector::refresh()
{
    if (m_layer < 0) return;
    const ir::Layer& l = m_document->graph()->layers[size_t(m_layer)];
    const bool weights = ir::hasWeights(l.kind);
    const ir::QuantSpec* out = l.outputQuant();
    const quant::LayerOverride o = m_document->layerOverride(m_layer);

    {
        // Showing the document's state is not an edit.
        const QSignalBlocker b1(m_weightBits), b2(m_activationBits), b3(m_scheme), b4(m_template), b5(m_groupSize);
        m_weightBits->setEnabled(weights);
        m_weightBits->setSpecialValueText(
            weights ? tr("model (%1)").arg(bitsText(l.weightQuant.bits, l.weightQuant.scheme)) : tr("n/a"));
        m_weightBits->setValue(o.weightBits.value_or(0));
        m_activationBits->setEnabled(out != nullptr);
        m_activationBits->setSpecialValueText(out ? tr("model (%1 b)").arg(out->bits) : tr("n/a"));
        m_activationBits->setValue(o.activationBits.value_or(0));
        m_scheme->setEnabled(weights);
        m_scheme->setCurrentIndex(m_scheme->findData(o.weightScheme ? int(*o.weightScheme) : -1));
        // Learned tables are LUT-Dense tables: the layer is mapped with nothing else.
        m_template->setEnabled(weights && !o.tables);
        m_template->setCurrentIndex(m_template->findData(o.tables ? int(ir::TemplateKind::LutDense)
                : o.templateKind                                  ? int(*o.templateKind)
                                                                  : -1));
        m_groupSize->setEnabled(weights);
        m_groupSize->setValue(o.groupSize.value_or(0));
        m_tables->setText(!o.tables    ? tr("none (the weights' products)")
                : o.tablesFile.empty() ? tr("inline in the project file")
                                       : QString::fromStdString(o.tablesFile));
        m_reset->setEnabled(!o.empty());
    }

    const auto& layers = m_document->analysis().layers;
    const LayerMetrics* m = size_t(m_layer) < layers.size() ? &layers[size_t(m_layer)] : nullptr;
    const bool stats = m && m->hasStatistics;
    if (stats) {
        m_groups->setText(tr("%1 of %2 groups (G = %3)")
                              .arg(groupedNumber(m->uniqueGroups), groupedNumber(m->totalGroups))
                              .arg(m->groupSize));
        int64_t top = 0;
        for (size_t i = 0; i < m->groupFrequencies.size() && i < 8; ++i)
            top += m->groupFrequencies[i];
        m_topShare->setText(m->totalGroups
                ? QStringLiteral("%1 %").arg(100.0 * double(top) / double(m->totalGroups), 0, 'f', 1)
                : QString());
        m_zeros->setText(QStringLiteral("%1 %").arg(100.0 * m->zeroFraction, 0, 'f', 1));
        m_levels->setText(m->weightHistogram.empty() ? QString()
                                                     : tr("%1 distinct, %2 \u2026 %3")
                                                           .arg(m->weightHistogram.size())
                                                           .arg(m->weightHistogram.begin()->first)
                                                           .arg(m->weightHistogram.rbegin()->first));
    }
    for (QLabel* label : { m_groups, m_topShare, m_zeros, m_levels })
        if (!stats) label->setText(QStringLiteral("\u2014"));
    const std::string& error = m_document->analysis().error;
    const QString note = !weights ? tr("This layer has no weights.")
        : !error.empty()          ? QString::fromStdString(error)
        : !m                      ? tr("Analysing\u2026")
                                  : QString::fromStdString(m->note);
    m_statsNote->setText(note);
    m_statsNote->setVisible(!note.isEmpty());

    const TemplateCost* assigned = m ? m->assignedCost() : nullptr;
    m_costView->setVisible(m && !m->costs.empty());
    QString costNote = assigned ? tr("%1: %2").arg(QString::fromUtf8(ir::toString(m->templateKind)),
                           QString::fromStdString(assigned->explanation))
        : weights               ? tr("No cost estimate yet.")
                                : tr("Costs apply to Dense and Conv layers.");
    // The Template box shows the choice; when the layer cannot take it (shift-add on weights that are not powers
    // of two) it is mapped with another template, and the box alone would hide that.
    if (m && o.templateKind && !o.tables && *o.templateKind != m->templateKind) {
        const auto chosen = m->costs.find(*o.templateKind); // present but not available: the reason
        costNote = tr("%1 does not apply to this layer%2, so it is mapped as %3. %4")
                       .arg(QString::fromUtf8(ir::toString(*o.templateKind)),
                           chosen != m->costs.end() && !chosen->second.explanation.empty()
                               ? QStringLiteral(" (%1)").arg(QString::fromStdString(chosen->second.explanation))
                               : QString(),
                           QString::fromUtf8(ir::toString(m->templateKind)), costNote);
    }
    m_costNote->setText(costNote);
}

} // namespace luthier::widgets
