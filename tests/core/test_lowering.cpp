// Integer lowering on small graphs whose thresholds and outputs are worked out by hand in the comments.

#include "dense_graph.h"
#include "error_of.h"
#include "quant/lower.h"
#include "sim/float_executor.h"
#include "sim/int_executor.h"
#include "util/error.h"

#include <QtTest>

using namespace luthier;

namespace {

ir::QuantSpec quantSpec(int bits, bool isSigned, double scale)
{
    ir::QuantSpec q;
    q.bits = bits;
    q.isSigned = isSigned;
    q.scale = { scale };
    return q;
}

ir::PointwiseOp quantOp(const ir::QuantSpec& q)
{
    ir::PointwiseOp op;
    op.kind = ir::PointwiseKind::Quant;
    op.quant = q;
    return op;
}

ir::PointwiseOp affineOp(double mul, double add)
{
    ir::PointwiseOp op;
    op.kind = ir::PointwiseKind::Affine;
    op.mul = { mul };
    op.add = { add };
    return op;
}

ir::Layer inputLayer(int64_t n, const std::vector<ir::PointwiseOp>& epilogue)
{
    return ::test::layer("x", ir::LayerKind::Input, {}, { n }, epilogue);
}

ir::Layer denseLayer(const std::string& name, int64_t out, int64_t in, std::vector<float> w, const ir::QuantSpec& wq,
    const std::vector<ir::PointwiseOp>& epilogue)
{
    ir::Layer l = ::test::layer(name, ir::LayerKind::Dense, { 0 }, { out }, epilogue);
    l.opType = "MatMul";
    l.weight.shape = { out, in };
    l.weight.data = std::move(w);
    l.weightQuant = wq;
    return l;
}

sim::Dataset samples(const std::vector<std::vector<double>>& rows)
{
    sim::Dataset d;
    d.sampleShape = { int64_t(rows[0].size()) };
    d.count = int64_t(rows.size());
    for (const auto& r : rows)
        d.data.insert(d.data.end(), r.begin(), r.end());
    return d;
}

} // namespace

class TestLowering : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Input uint2 (scale 1, q in 0..3) -> Dense with float weights [[0.5, -1, 0], [0.5, 0.5, -1]] on an int2
    // quantiser of scale 0.5, i.e. integers [[1, -2, 0], [1, 1, -2]] -> Relu -> uint2 (scale 1, half-even).
    // Real pre-activation y = 0.5 * acc. Output q >= 1 needs round(0.5 acc) >= 1: acc = 1 gives 0.5 -> 0
    // (tie to even), acc = 2 gives 1, so level 2; q >= 2: acc = 3 gives 1.5 -> 2, level 3; q >= 3: acc = 5
    // gives 2.5 -> 2, acc = 6 gives 3, level 6. Channel 0's acc lies in [-6, 3], so its third level is
    // unreachable and stored as 3 + 1 = 4; channel 1's range is [-6, 6].
    void denseThresholdsByHand()
    {
        ir::Graph g;
        g.name = "dense";
        g.layers.push_back(inputLayer(3, { quantOp(quantSpec(2, false, 1.0)) }));
        ir::PointwiseOp relu;
        relu.kind = ir::PointwiseKind::Relu;
        g.layers.push_back(denseLayer("fc", 2, 3, { 0.5f, -1.f, 0.f, 0.5f, 0.5f, -1.f }, quantSpec(2, true, 0.5),
            { relu, quantOp(quantSpec(2, false, 1.0)) }));
        g.outputs = { 1 };
        const quant::IntGraph ig = quant::lowerToInteger(g);
        const quant::IntLayer& fc = ig.layers[1];
        QCOMPARE(fc.weights, (std::vector<int32_t> { 1, -2, 0, 1, 1, -2 }));
        QVERIFY(fc.requant.has_value());
        QCOMPARE(fc.requant->levels[0], (std::vector<int64_t> { 2, 3, 4 }));
        QCOMPARE(fc.requant->levels[1], (std::vector<int64_t> { 2, 3, 6 }));
        QCOMPARE(fc.accMin, int64_t(-6));
        QCOMPARE(fc.accMax, int64_t(6));

        // x = [3, 1, 2]: acc = [3 - 2, 3 + 1 - 4] = [1, 0] -> [0, 0].
        // x = [3, 0, 0]: acc = [3, 3] -> 1.5 -> [2, 2].  x = [0, 3, 0]: acc = [-6, 3] -> [0, 2].
        const sim::Dataset d = samples({ { 3, 1, 2 }, { 3, 0, 0 }, { 0, 3, 0 } });
        const sim::RunResult q = sim::runInteger(ig, d);
        QCOMPARE(q.outputs[0].ints, (std::vector<int64_t> { 0, 0, 2, 2, 0, 2 }));
        const sim::RunResult f = sim::runFloat(g, d);
        QCOMPARE(f.outputs[0].values, (std::vector<double> { 0, 0, 2, 2, 0, 2 }));
    }

    // A decreasing epilogue (negative folded-BN scale): acc = q for a signed 3-bit input (q in -4..3, weight 1),
    // then y = 1 - 0.5 acc and uint2. By hand: acc -4 -> 3; -3 -> 2.5 -> 2; -2 -> 2; -1 -> 1.5 -> 2; 0 -> 1;
    // 1 -> 0.5 -> 0; 2 -> 0; 3 -> -0.5 -> clamp 0.
    void decreasingEpilogue()
    {
        ir::Graph g;
        g.name = "bn";
        g.layers.push_back(inputLayer(1, { quantOp(quantSpec(3, true, 1.0)) }));
        g.layers.push_back(denseLayer(
            "fc", 1, 1, { 1.f }, quantSpec(2, true, 1.0), { affineOp(-0.5, 1.0), quantOp(quantSpec(2, false, 1.0)) }));
        g.outputs = { 1 };
        const quant::IntGraph ig = quant::lowerToInteger(g);
        QCOMPARE(int(ig.layers[1].requant->direction[0]), -1);
        const sim::Dataset d = samples({ { -4 }, { -3 }, { -2 }, { -1 }, { 0 }, { 1 }, { 2 }, { 3 } });
        QCOMPARE(sim::runInteger(ig, d).outputs[0].ints, (std::vector<int64_t> { 3, 2, 2, 2, 1, 0, 0, 0 }));
        QCOMPARE(sim::runFloat(g, d).outputs[0].values, (std::vector<double> { 3, 2, 2, 2, 1, 0, 0, 0 }));
    }

    // Add of the input (uint4, scale 0.25) and a requantised copy (uint4, scale 0.75): common scale 0.25,
    // multipliers {1, 3}. For x = 1.0: q1 = 4, q2 = round(1.333) = 1 (0.75), sum 1.75 = 7 * 0.25.
    void addWithDifferentScales()
    {
        ir::Graph g;
        g.name = "add";
        g.layers.push_back(inputLayer(1, { quantOp(quantSpec(4, false, 0.25)) }));
        g.layers.push_back(
            ::test::layer("requant", ir::LayerKind::Pointwise, { 0 }, { 1 }, { quantOp(quantSpec(4, false, 0.75)) }));
        g.layers.push_back(::test::layer("add", ir::LayerKind::Add, { 0, 1 }, { 1 }));
        g.outputs = { 2 };
        const quant::IntGraph ig = quant::lowerToInteger(g);
        QCOMPARE(ig.layers[2].multipliers, (std::vector<int64_t> { 1, 3 }));
        QVERIFY(ig.layers[2].outFormat());
        QCOMPARE(ig.layers[2].outFormat()->scale[0], 0.25);
        const sim::RunResult q = sim::runInteger(ig, samples({ { 1.0 } }));
        QCOMPARE(q.outputs[0].ints[0], int64_t(7));
        QCOMPARE(q.outputs[0].values[0], 1.75);
        QCOMPARE(sim::runFloat(g, samples({ { 1.0 } })).outputs[0].values[0], 1.75);
    }

    // Global average pooling of a 1x2x2 uint4 input (scale 1): [1, 2, 3, 5] sums to acc = 11, real 11/4 = 2.75,
    // requantised to uint4 -> 3; a max pool over the same input (2x2 window) gives 5 without requantising.
    void pooling()
    {
        ir::Graph g;
        g.name = "pool";
        ir::Layer in = inputLayer(4, { quantOp(quantSpec(4, false, 1.0)) });
        in.outShape = { 1, 2, 2 };
        g.layers.push_back(in);
        g.layers.push_back(
            ::test::layer("gap", ir::LayerKind::GlobalAvgPool, { 0 }, { 1 }, { quantOp(quantSpec(4, false, 1.0)) }));
        ir::Layer mp = ::test::layer("max", ir::LayerKind::MaxPool, { 0 }, { 1, 1, 1 });
        mp.window.kernel = { 2, 2 };
        mp.window.stride = { 2, 2 };
        g.layers.push_back(mp);
        g.outputs = { 1, 2 };
        const quant::IntGraph ig = quant::lowerToInteger(g);
        sim::Dataset d;
        d.sampleShape = { 1, 2, 2 };
        d.count = 1;
        d.data = { 1, 2, 3, 5 };
        const sim::RunResult q = sim::runInteger(ig, d);
        QCOMPARE(q.outputs[0].ints, (std::vector<int64_t> { 3 }));
        QCOMPARE(q.outputs[1].ints, (std::vector<int64_t> { 5 }));
        const sim::RunResult f = sim::runFloat(g, d);
        QCOMPARE(f.outputs[0].values, (std::vector<double> { 3 }));
        QCOMPARE(f.outputs[1].values, (std::vector<double> { 5 }));
    }

    void nonMonotoneIsAnError()
    {
        ir::Graph g;
        g.name = "leaky";
        g.layers.push_back(inputLayer(1, { quantOp(quantSpec(3, true, 1.0)) }));
        ir::PointwiseOp leaky;
        leaky.kind = ir::PointwiseKind::LeakyRelu;
        leaky.alpha = -0.1;
        g.layers.push_back(denseLayer(
            "odd_layer", 1, 1, { 1.f }, quantSpec(2, true, 1.0), { leaky, quantOp(quantSpec(2, false, 1.0)) }));
        g.outputs = { 1 };
        try {
            quant::lowerToInteger(g);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("odd_layer") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("monotone") != std::string::npos, e.what());
        }
    }

    // No input quantiser and float weights: an error naming the layer, or, with options, an inserted 16-bit
    // input quantiser (step 2^-10) and 4-bit weights: max |w| = 0.7 -> scale 0.1, w = [7, -3].
    void floatModelNeedsOptions()
    {
        ir::Graph g;
        g.name = "float";
        g.layers.push_back(inputLayer(2, {}));
        g.layers.push_back(denseLayer("float_fc", 1, 2, { 0.7f, -0.3f }, ir::QuantSpec {}, {}));
        g.outputs = { 1 };
        try {
            quant::lowerToInteger(g);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("float_fc") != std::string::npos, e.what());
        }
        quant::LowerOptions options;
        options.ptqWeightBits = 4;
        const quant::IntGraph ig = quant::lowerToInteger(g, options);
        QCOMPARE(ig.inputFormat.bits, 16);
        QCOMPARE(ig.inputFormat.scale[0], 1.0 / 1024);
        QCOMPARE(ig.layers[1].weights, (std::vector<int32_t> { 7, -3 }));
        QCOMPARE(ig.notes.size(), size_t(2));
        // x = [1, 1]: q = [1024, 1024], acc = 4096, value = 4096 * 0.1 / 1024 = 0.4 (float model: 0.7 - 0.3).
        const sim::RunResult q = sim::runInteger(ig, samples({ { 1.0, 1.0 } }));
        QCOMPARE(q.outputs[0].ints[0], int64_t(4096));
        QVERIFY(std::fabs(q.outputs[0].values[0] - 0.4) < 1e-6);

        // Input quantisers an imported Quant node could not have are refused by name, before any shift by them.
        for (int bits : { 0, 1, 33, 70 }) {
            options.inputBits = bits;
            const std::string m = luthier::test::errorOf([&] { quant::lowerToInteger(g, options); });
            QVERIFY2(m.find("--input-bits") != std::string::npos, m.c_str());
        }
        options.inputBits = 8;
        options.inputFractionBits = 65;
        QVERIFY(luthier::test::errorOf([&] { quant::lowerToInteger(g, options); }).find("--input-frac")
            != std::string::npos);
        options.inputFractionBits = -3; // a step of 8: legal, for inputs in the thousands
        QCOMPARE(quant::lowerToInteger(g, options).inputFormat.scale[0], 8.0);
    }
};

QTEST_GUILESS_MAIN(TestLowering)
#include "test_lowering.moc"
