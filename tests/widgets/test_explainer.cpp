// The LUT explainer on the jet-tagging model (QKeras, 16-64-32-32-5, 6-bit): the first layer's TLMAC plan
// is traced lookup by lookup for every output of the first reference input, and the trace must end at
// what the golden model computes (its accumulator and its requantised output, taken here from a separate
// golden-model run); the truth table must agree with the INIT bits; the side panel's other methods must
// compute the same accumulator; the panel's step-through ends at the golden value.

#include "explainer_model.h"
#include "explainer_panel.h"
#include "sim/dataset.h"
#include "sim/int_executor.h"

#include <QDir>
#include <QLabel>
#include <QTest>

using namespace luthier;
using namespace luthier::widgets;

namespace {

const char* kModel = LUTHIER_SHARED_DIR "/models/qkeras_jettagging.onnx";
const char* kInputs = LUTHIER_SHARED_DIR "/models/reference/qkeras_jettagging.input.npy";

pipeline::Options explainerOptions()
{
    pipeline::Options options;
    options.modelPath = kModel;
    options.datasetInputs = kInputs;
    return options;
}

} // namespace

class TestExplainer : public QObject {
    Q_OBJECT
private:
    std::shared_ptr<const ExplainerSource> m_source;

private Q_SLOTS:
    void initTestCase()
    {
        m_source = std::make_shared<const ExplainerSource>(loadExplainerSource(explainerOptions(), 0));
        QVERIFY(!m_source->design->layers.empty());
        QVERIFY(m_source->design->layers[0].tlmac);
    }

    void everyOutputOfTheFirstLayerIsBitExact()
    {
        const arch::HwLayer& layer = m_source->design->layers[0];
        const int64_t outputs = layer.tlmac->plan.outputs;
        QCOMPARE(outputs, int64_t(64)); // 16 -> 64

        // The golden model's first-layer outputs, from a run independent of the explainer's own.
        quant::IntGraph truncated = *m_source->ints;
        truncated.outputs = { layer.source };
        const sim::Dataset all = sim::loadInputs(kInputs, m_source->graph->layers.at(0).outShape);
        sim::Dataset one { all.sampleShape, 1, std::vector<double>(all.sample(0), all.sample(0) + all.sampleSize()) };
        const std::vector<int64_t> golden = sim::runInteger(truncated, one).outputs.at(0).ints;
        QCOMPARE(int64_t(golden.size()), outputs);

        for (int64_t o = 0; o < outputs; ++o) {
            const DotProductTrace t = traceDotProduct(*m_source, 0, o);
            QVERIFY2(t.exact, t.mismatch.c_str());
            QCOMPARE(t.acc, t.reference);
            QVERIFY(t.hardwareOutput);
            QCOMPARE(*t.hardwareOutput, golden[size_t(o)]);
            // The shifted partial sums add up to S, and S is what acc is built from.
            int64_t s = 0, lookups = 0;
            for (const GroupStep& g : t.steps)
                for (const PlaneLookup& p : g.lookups) {
                    QCOMPARE(p.shifted, p.tableValue * (int64_t(1) << p.plane));
                    s += p.shifted;
                    QCOMPARE(p.running, s);
                    ++lookups;
                }
            QCOMPARE(s, t.s);
            QCOMPARE(t.acc, t.inputScale * t.s + t.offset);
            // 16 inputs in groups of 3: 6 groups; every non-zero group costs one lookup per input bit-plane.
            QCOMPARE(int64_t(t.steps.size()), int64_t(6));
            QVERIFY(lookups <= 6 * t.inputBits);

            for (const Alternative& a : compareAlternatives(*m_source, 0, t))
                if (a.available) QVERIFY2(a.value == t.acc, (a.name + " computes " + std::to_string(a.value)).c_str());
        }
    }

    void truthTableAgreesWithInit()
    {
        const arch::HwLayer& layer = m_source->design->layers[0];
        const ArrayView v = describeArray(layer, 0);
        QVERIFY(v.initMatchesTable);
        QCOMPARE(int(v.rows.size()), 1 << v.lutInputs);
        QCOMPARE(v.clusterBits, v.lutInputs - v.groupSize);
        QCOMPARE(int(v.initHex.size()), v.lutWidth);
        QVERIFY(QString::fromStdString(v.initHex[0]).startsWith(QStringLiteral("64'h")));
        QCOMPARE(QString::fromStdString(v.initHex[0]).size(), 4 + 16);
        // By hand: address = cluster << G | bits returns the sum of the stored weights whose bit is set.
        for (int c = 0; c < int(v.storedGroups.size()); ++c) {
            const auto& w = v.storedGroups[size_t(c)];
            if (w.empty()) continue;
            const TruthTableRow& row = v.rows[size_t(c << v.groupSize | 0b101)];
            QCOMPARE(row.cluster, c);
            QCOMPARE(row.value, int64_t(w[0]) + int64_t(w[2]));
            QCOMPARE(v.rows[size_t(c << v.groupSize | 0b111)].value, int64_t(w[0]) + w[1] + w[2]);
            QCOMPARE(v.rows[size_t(c << v.groupSize)].value, int64_t(0));
        }
    }

    void stepThroughEndsAtTheGoldenValue()
    {
        ExplainerPanel panel;
        panel.resize(1500, 900);
        panel.setSource(m_source);
        panel.selectLayer(0);
        panel.selectOutput(7);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const DotProductTrace& t = panel.trace();
        QCOMPARE(t.output, int64_t(7));
        QVERIFY(panel.lookupCount() > 0);
        panel.setPosition(0);
        for (int i = 1; i <= panel.lookupCount(); ++i)
            panel.setPosition(i);
        QCOMPARE(panel.position(), panel.lookupCount());
        QVERIFY(t.exact);
        QCOMPARE(t.acc, t.reference);
        bool shownExact = false;
        for (QLabel* label : panel.findChildren<QLabel*>())
            shownExact = shownExact || label->text().contains(QStringLiteral("bit-exact"));
        QVERIFY(shownExact);

        const QString dir = QStringLiteral(LUTHIER_BINARY_DIR "/screens");
        QDir().mkpath(dir);
        QVERIFY(panel.grab().save(dir + QStringLiteral("/explainer_jsc_layer0_done.png")));
        panel.setPosition(4);
        QVERIFY(panel.grab().save(dir + QStringLiteral("/explainer_jsc_layer0_step4.png")));
    }
};

QTEST_MAIN(TestExplainer)
#include "test_explainer.moc"
