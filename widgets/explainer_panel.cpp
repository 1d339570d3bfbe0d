#include "explainer_panel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace luthier::widgets {

namespace {

QString binary(uint64_t value, int bits)
{
    return bits <= 0 ? QString() : QStringLiteral("%1").arg(value, bits, 2, QLatin1Char('0'));
}

QTableWidgetItem* item(const QString& text)
{
    auto* i = new QTableWidgetItem(text);
    i->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return i;
}

void setUpTable(QTableView* t)
{
    t->verticalHeader()->hide();
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setWordWrap(false);
    t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 4);
    t->horizontalHeader()->setStretchLastSection(true);
}

// Columns as wide as `chars` digits (or their header, if wider), set once: sizing them to their contents
// measures every row again after each change.
QTableView* modelTable(QWidget* parent, QAbstractItemModel* model, const std::vector<int>& chars)
{
    auto* t = new QTableView(parent);
    setUpTable(t);
    t->setModel(model);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const QFontMetrics fm(t->font());
    const int digit = fm.horizontalAdvance(QLatin1Char('0'));
    for (int c = 0; c < int(chars.size()); ++c) {
        const int header = fm.horizontalAdvance(model->headerData(c, Qt::Horizontal).toString());
        t->setColumnWidth(c, std::max(digit * chars[size_t(c)], header) + 16);
    }
    return t;
}

} // namespace

// The K address bits of a LUT array as boxes: cluster select on the left, the G activation bits on the
// right, with the current lookup's bit values when the step-through is on a lookup.
class AddressBitsWidget : public QWidget {
public:
    using QWidget::QWidget;
    void set(int lutInputs, int groupSize, int clusterBits, std::optional<unsigned> address)
    {
        m_k = lutInputs, m_g = groupSize, m_clusterBits = clusterBits, m_address = address;
        update();
    }
    QSize sizeHint() const override { return { (kBox + kGap) * m_k + 20, kBox + 2 * fontMetrics().height() + 20 }; }
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const int box = kBox, gap = kGap, fh = fontMetrics().height();
        const int x0 = 8, y0 = fh + 6;
        for (int i = 0; i < m_k; ++i) {
            const int bit = m_k - 1 - i; // MSB on the left
            const bool activation = bit < m_g;
            const bool unused = !activation && bit - m_g >= m_clusterBits;
            const QRect r(x0 + i * (box + gap), y0, box, box);
            const QColor fill = unused ? QColor(0xcc, 0xcc, 0xcc)
                : activation           ? QColor(0x56, 0xb4, 0xe9)
                                       : QColor(0xe6, 0x9f, 0x00);
            p.setPen(QPen(fill.darker(140), 1.5));
            p.setBrush(fill);
            p.drawRoundedRect(r, 4, 4);
            p.setPen(Qt::black);
            const QString name = activation ? QStringLiteral("a%1").arg(bit) : QStringLiteral("c%1").arg(bit - m_g);
            const QString value = m_address ? QString::number((*m_address >> bit) & 1u) : QString();
            p.drawText(r.adjusted(0, 2, 0, -box / 2), Qt::AlignCenter, name);
            QFont bold = font();
            bold.setBold(true);
            p.setFont(bold);
            p.drawText(r.adjusted(0, box / 2, 0, -2), Qt::AlignCenter, value);
            p.setFont(font());
        }
        p.setPen(palette().color(QPalette::WindowText));
        const int clusterWidth = (m_k - m_g) * (box + gap) - gap;
        if (m_k > m_g)
            p.drawText(QRect(x0, 2, clusterWidth, fh), Qt::AlignCenter,
                QStringLiteral("cluster select (%1 bits)").arg(m_k - m_g));
        p.drawText(QRect(x0 + (m_k - m_g) * (box + gap), 2, m_g * (box + gap), fh), Qt::AlignCenter,
            QStringLiteral("activation bits (G = %1)").arg(m_g));
        if (m_address)
            p.drawText(QRect(x0, y0 + box + 4, width() - x0, fh), Qt::AlignLeft,
                QStringLiteral("address %1 = %2").arg(*m_address).arg(binary(*m_address, m_k)));
    }

private:
    static constexpr int kBox = 52, kGap = 4; // wide enough for "cluster select (3 bits)" over three boxes
    int m_k = 6, m_g = 3, m_clusterBits = 3;
    std::optional<unsigned> m_address;
};

ExplainerPanel::ExplainerPanel(QWidget* parent)
    : QWidget(parent)
    , m_stepModel(new StepTableModel(this))
    , m_groupsModel(new StoredGroupsModel(this))
    , m_tableModel(new TruthTableModel(this))
    , m_layerBox(new QComboBox(this))
    , m_outputBox(new QSpinBox(this))
    , m_arrayBox(new QSpinBox(this))
    , m_geometry(new QLabel(this))
    , m_address(new AddressBitsWidget(this))
    , m_groups(modelTable(this, m_groupsModel, { 4, 14 }))
    , m_table(modelTable(this, m_tableModel, { 8, 4, 4, 5, 8 }))
    , m_init(new QLabel(this))
    , m_steps(modelTable(this, m_stepModel, { 5, 4, 4, 14, 10, 3, 4, 5, 16, 6 }))
    , m_result(new QLabel(this))
    , m_alternatives(new QTableWidget(0, 4, this))
    , m_play(new QToolButton(this))
    , m_timer(new QTimer(this))
{
    m_outputBox->setPrefix(tr("output "));
    m_arrayBox->setPrefix(tr("array "));
    m_geometry->setWordWrap(true);
    m_init->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_init->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_init->setWordWrap(true);
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::RichText);
    // A few rows whose long texts wrap inside fixed columns instead of pushing the cost out of sight.
    setUpTable(m_alternatives);
    m_alternatives->setHorizontalHeaderLabels({ tr("method"), tr("accumulator"), tr("operations"), tr("layer cost") });
    m_alternatives->setWordWrap(true);
    m_alternatives->verticalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_alternatives->setColumnWidth(0, 170);
    m_alternatives->setColumnWidth(1, 95);
    m_alternatives->setColumnWidth(2, 300);

    auto* first = new QToolButton(this);
    first->setText(QStringLiteral("|◀"));
    first->setToolTip(tr("Back to the empty accumulator"));
    auto* previous = new QToolButton(this);
    previous->setText(QStringLiteral("◀"));
    previous->setToolTip(tr("Previous lookup"));
    auto* next = new QToolButton(this);
    next->setText(QStringLiteral("▶"));
    next->setToolTip(tr("Next lookup"));
    auto* last = new QToolButton(this);
    last->setText(QStringLiteral("▶|"));
    last->setToolTip(tr("Finish the dot product"));
    m_play->setText(tr("Play"));
    m_play->setCheckable(true);
    m_play->setToolTip(tr("Animate the lookups"));
    m_timer->setInterval(450);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Layer"), this));
    top->addWidget(m_layerBox);
    top->addWidget(m_outputBox);
    top->addWidget(m_arrayBox);
    top->addWidget(m_geometry, 1);

    auto* arrayBox = new QGroupBox(tr("LUT array"), this);
    auto* arrayLayout = new QVBoxLayout(arrayBox);
    arrayLayout->addWidget(m_address);
    auto* tables = new QSplitter(Qt::Horizontal, arrayBox);
    tables->addWidget(m_groups);
    tables->addWidget(m_table);
    tables->setStretchFactor(1, 2);
    arrayLayout->addWidget(tables, 1);
    arrayLayout->addWidget(m_init);

    auto* stepBox = new QGroupBox(tr("One dot product, lookup by lookup"), this);
    auto* stepLayout = new QVBoxLayout(stepBox);
    auto* buttons = new QHBoxLayout;
    for (QToolButton* b : { first, previous, m_play, next, last })
        buttons->addWidget(b);
    buttons->addStretch();
    stepLayout->addLayout(buttons);
    stepLayout->addWidget(m_steps, 1);
    stepLayout->addWidget(m_result);

    auto* altBox = new QGroupBox(tr("The same dot product, other ways"), this);
    auto* altLayout = new QVBoxLayout(altBox);
    altLayout->addWidget(m_alternatives);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(stepBox);
    right->addWidget(altBox);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* body = new QSplitter(Qt::Horizontal, this);
    body->addWidget(arrayBox);
    body->addWidget(right);
    body->setStretchFactor(0, 2);
    body->setStretchFactor(1, 3);
    body->setSizes({ 520, 980 });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(body, 1);

    connect(m_layerBox, &QComboBox::currentIndexChanged, this, &ExplainerPanel::selectLayer);
    connect(m_outputBox, &QSpinBox::valueChanged, this, [this](int o) { selectOutput(o); });
    connect(m_arrayBox, &QSpinBox::valueChanged, this, [this](int) { rebuildArray(); });
    connect(first, &QToolButton::clicked, this, [this] { setPosition(0); });
    connect(previous, &QToolButton::clicked, this, [this] { setPosition(m_position - 1); });
    connect(next, &QToolButton::clicked, this, [this] { setPosition(m_position + 1); });
    connect(last, &QToolButton::clicked, this, [this] { setPosition(lookupCount()); });
    connect(m_play, &QToolButton::toggled, this, [this](bool on) {
        if (on) {
            if (m_position >= lookupCount()) setPosition(0);
            m_timer->start();
        } else {
            m_timer->stop();
        }
    });
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_position >= lookupCount())
            m_play->setChecked(false);
        else
            setPosition(m_position + 1);
    });
    connect(m_steps, &QTableView::clicked, this, [this](const QModelIndex& index) { setPosition(index.row() + 1); });
}

void ExplainerPanel::setSource(std::shared_ptr<const ExplainerSource> source)
{
    m_source = std::move(source);
    const QSignalBlocker block(m_layerBox);
    m_layerBox->clear();
    if (m_source)
        for (const arch::HwLayer& l : m_source->design->layers)
            m_layerBox->addItem(QString::fromStdString(l.name));
    m_layer = 0;
    rebuildLayer();
}

void ExplainerPanel::selectLayer(int designLayer)
{
    if (!m_source || designLayer < 0 || designLayer >= int(m_source->design->layers.size())) return;
    m_layer = designLayer;
    {
        const QSignalBlocker block(m_layerBox);
        m_layerBox->setCurrentIndex(designLayer);
    }
    rebuildLayer();
}

void ExplainerPanel::selectOutput(int64_t output)
{
    {
        const QSignalBlocker block(m_outputBox);
        m_outputBox->setValue(int(output));
    }
    rebuildTrace();
}

void ExplainerPanel::selectArray(int array)
{
    m_arrayBox->setValue(array);
}

void ExplainerPanel::rebuildLayer()
{
    if (!m_source || m_source->design->layers.empty() || !m_source->design->layers[size_t(m_layer)].tlmac) return;
    const arch::HwLayer& hw = m_source->design->layers[size_t(m_layer)];
    const arch::tlmac::TlmacPlan& plan = hw.tlmac->plan;
    {
        const QSignalBlocker a(m_outputBox), b(m_arrayBox);
        m_outputBox->setRange(0, int(plan.outputs - 1));
        m_arrayBox->setRange(0, std::max(0, plan.arrays - 1));
    }
    m_geometry->setText(
        tr("K = %1, G = %2, P = %3: %4 steps in %5 clusters, %6 arrays of %7 LUTs, %8 unique of %9 groups; "
           "inputs %10 bits (bit-serial)")
            .arg(plan.lutInputs)
            .arg(plan.groupSize)
            .arg(plan.parallel)
            .arg(plan.steps)
            .arg(plan.clusters)
            .arg(plan.arrays)
            .arg(plan.lutWidth)
            .arg(plan.uniqueGroups.size())
            .arg(plan.totalGroups)
            .arg(hw.tlmac->inputBits));
    rebuildArray();
    rebuildTrace();
}

void ExplainerPanel::rebuildArray()
{
    if (!m_source) return;
    const arch::HwLayer& hw = m_source->design->layers[size_t(m_layer)];
    if (!hw.tlmac || hw.tlmac->plan.arrays == 0) return;
    m_array = describeArray(hw, m_arrayBox->value());
    const ArrayView& v = m_array;
    m_groupsModel->setArray(&m_array);
    m_tableModel->setArray(&m_array);
    QString init;
    for (int bit = int(v.initHex.size()) - 1; bit >= 0; --bit)
        init += QStringLiteral("LUT %1 (output bit %1): INIT = %2\n")
                    .arg(bit)
                    .arg(QString::fromStdString(v.initHex[size_t(bit)]));
    if (!v.initMatchesTable) init += tr("INIT bits do not decode to the table values!");
    m_init->setText(init.trimmed());
    m_address->set(v.lutInputs, v.groupSize, v.clusterBits, std::nullopt);
    updatePosition();
}

void ExplainerPanel::rebuildTrace()
{
    m_timer->stop();
    m_play->setChecked(false);
    if (!m_source || !m_source->design->layers[size_t(m_layer)].tlmac) return;
    m_stepModel->setTrace(nullptr); // the model points into m_trace
    m_trace = traceDotProduct(*m_source, m_layer, m_outputBox->value());
    m_stepModel->setTrace(&m_trace);
    const std::vector<Alternative> alternatives = compareAlternatives(*m_source, m_layer, m_trace);
    m_alternatives->setRowCount(int(alternatives.size()));
    for (int r = 0; r < int(alternatives.size()); ++r) {
        const Alternative& a = alternatives[size_t(r)];
        m_alternatives->setItem(r, 0, item(QString::fromStdString(a.name)));
        m_alternatives->setItem(r, 1, item(a.available ? QString::number(a.value) : tr("n/a")));
        m_alternatives->setItem(r, 2, item(QString::fromStdString(a.available ? a.operations : a.note)));
        m_alternatives->setItem(r, 3, item(QString::fromStdString(a.layerCost)));
        m_alternatives->item(r, 0)->setToolTip(QString::fromStdString(a.note));
    }
    m_alternatives->resizeRowsToContents();
    m_position = lookupCount();
    updatePosition();
}

int ExplainerPanel::lookupCount() const
{
    return m_stepModel->rowCount();
}

void ExplainerPanel::setPosition(int position)
{
    m_position = std::clamp(position, 0, lookupCount());
    if (m_position > 0) {
        // Show the array the current lookup reads.
        const int array = m_trace.steps[size_t(m_stepModel->lookups()[size_t(m_position - 1)].first)].array;
        if (array != m_arrayBox->value()) {
            const QSignalBlocker block(m_arrayBox);
            m_arrayBox->setValue(array);
            rebuildArray();
            return; // rebuildArray() calls updatePosition()
        }
    }
    updatePosition();
}

void ExplainerPanel::play()
{
    m_play->setChecked(true);
}

void ExplainerPanel::updatePosition()
{
    if (lookupCount() == 0 && m_trace.steps.empty()) return;
    const arch::HwLayer& hw = m_source->design->layers[size_t(m_layer)];
    const arch::tlmac::TlmacPlan& plan = hw.tlmac->plan;
    std::optional<unsigned> address;
    int64_t running = 0;
    if (m_position > 0) {
        const auto [s, l] = m_stepModel->lookups()[size_t(m_position - 1)];
        const PlaneLookup& p = m_trace.steps[size_t(s)].lookups[size_t(l)];
        address = p.address;
        running = p.running;
        m_steps->selectRow(m_position - 1);
        m_steps->scrollTo(m_stepModel->index(m_position - 1, 0));
        if (m_trace.steps[size_t(s)].array == m_arrayBox->value()) {
            m_table->selectRow(int(p.address));
            m_table->scrollTo(m_tableModel->index(int(p.address), 0));
        }
    } else {
        m_steps->clearSelection();
        m_table->clearSelection();
    }
    m_address->set(plan.lutInputs, plan.groupSize, plan.clusterBits, address);

    const bool done = m_position >= lookupCount();
    QString text = tr("Step %1 of %2. S = Σ w·code = <b>%3</b>")
                       .arg(m_position)
                       .arg(lookupCount())
                       .arg(done ? m_trace.s : running);
    if (done) {
        text += tr("; acc = %1·S %2 %3 = <b>%4</b>")
                    .arg(m_trace.inputScale)
                    .arg(m_trace.offset < 0 ? QStringLiteral("−") : QStringLiteral("+"))
                    .arg(std::abs(m_trace.offset))
                    .arg(m_trace.acc);
        text += tr("<br>Golden model: Σ w·(q − z) = <b>%1</b>").arg(m_trace.reference);
        if (m_trace.hardwareOutput)
            text += tr(", output %1 (comparators) vs %2 (golden model)")
                        .arg(*m_trace.hardwareOutput)
                        .arg(m_trace.goldenOutput);
        else
            text += tr(", raw output %1").arg(m_trace.goldenOutput);
        text += m_trace.exact ? tr("<br><span style='color:#1a8a1a'><b>✓ bit-exact</b></span>")
                              : tr("<br><span style='color:#d02020'><b>✗ %1</b></span>")
                                    .arg(QString::fromStdString(m_trace.mismatch).toHtmlEscaped());
    }
    m_result->setText(text);
}

} // namespace luthier::widgets
