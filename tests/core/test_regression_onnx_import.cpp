// Regression inputs for the ONNX importer (found by fuzz/fuzz_onnx_import.cpp, then rebuilt as the smallest
// models that reach the same code): each must import or give a luthier::Error, never crash or reach
// undefined behaviour. Runs each import in a forked child (test_limits_isolated.h).
//
// onnx_quant_nan_weight.onnx: x[1,2] -> MatMul with W = Quant(W_float) (QONNX, 2-bit signed narrow, scale
//   0.5), where W_float holds a NaN. Folding the quantiser calls QuantSpec::toInt(NaN): std::clamp keeps
//   the NaN and int64_t(NaN) is undefined (UBSan float-cast-overflow at core/ir/quant_spec.cpp:74; on x86
//   the weight silently becomes INT64_MIN). A non-finite weight must be refused with an error naming it.
// onnx_quant_zero_scale.onnx: the same model with a zero weight and scale 0, where 0 / 0 is NaN too.
// onnx_conv_one_stride_value.onnx: x[1,1,4,4] -> Conv (1x1 kernel) with strides = [2], one value for a 2-D
//   convolution. The attribute helper in convertConv reads v[1] of a one-element vector: ASan
//   heap-buffer-overflow at core/onnx/convert_ops.cpp:480 (dilations the same). Must be an error that
//   says strides needs 2 values.
// onnx_maxpool_no_inputs.onnx: the backend test model test_maxpool_2d_ceil mutated by the fuzzer so that its
//   MaxPool node lists no inputs. convertPool read node.input(0) of an empty field (UBSan null-pointer-use
//   in protobuf's RepeatedPtrField::Get, core/onnx/convert_ops.cpp:603). Must say "missing input 0".
// onnx_quant_nan_zero_point.onnx: a QONNX conv model from the seed corpus mutated so that a Quant's zero
//   point is a NaN (bytes c3 ff ff ff). Folding it computed x / scale + NaN and converted the NaN to an
//   integer (UBSan float-cast-overflow at core/ir/quant_spec.cpp:74). Must say the zero point is not finite,
//   once: the folding code added the file and node to a message that already named them.
// onnx_reshape_overflow.onnx: x[1,28] -> Reshape to [1, 2^40, 2^40]. The product of the target's dimensions
//   overflowed int64 (UBSan signed-integer-overflow at core/onnx/convert_shape_ops.cpp:59, found by the fuzzer
//   with 6502111422497947648 * 28). Must say the reshape changes the element count.
// onnx_reshape_beyond_int64.onnx: the same with a target dimension of INT64_MAX, which as a double is 2^63
//   and cast back to int64 is undefined (clang's float-cast-overflow). Must name the dimension.
// onnx_resize_huge_scale.onnx: x[1,1,2,2] -> Resize (nearest) with scale 1e30 on one axis; 2 * 1e30 cast to
//   int64 is undefined. Must say the scale exceeds the element limit.
// onnx_const_reshape_overflow.onnx: a constant [2] reshaped to [-1, 2^40, 2^40] while folding constants, the
//   same overflow in the folder's resolveReshape (core/onnx/fold_constants.cpp:100).
// onnx_gather_index_int64_max.onnx: a constant Gather with index INT64_MAX, cast from 2^63 (undefined).

#include "onnx/importer.h"
#include "test_limits_isolated.h"

#include <QtTest>

using namespace luthier;

class RegressionOnnxImportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void refusedWithError_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("says"); // a fragment the error message must contain
        QTest::newRow("NaN weight under a quantiser") << "onnx_quant_nan_weight.onnx"
                                                      << "";
        QTest::newRow("zero quantiser scale") << "onnx_quant_zero_scale.onnx"
                                              << "";
        QTest::newRow("one stride value for a 2-D conv") << "onnx_conv_one_stride_value.onnx"
                                                         << "strides";
        QTest::newRow("MaxPool without inputs") << "onnx_maxpool_no_inputs.onnx"
                                                << "missing input 0";
        QTest::newRow("NaN quantiser zero point")
            << "onnx_quant_nan_zero_point.onnx"
            << "node 'Quant_2' (qonnx.custom_op.general:Quant): quantiser zero point -nan is not a finite number";
        QTest::newRow("Reshape target whose product overflows")
            << "onnx_reshape_overflow.onnx"
            << "Reshape changes the batch dimension or the element count";
        QTest::newRow("Reshape target beyond int64") << "onnx_reshape_beyond_int64.onnx"
                                                     << "is not an integer below 2^53";
        QTest::newRow("Resize scale 1e30") << "onnx_resize_huge_scale.onnx"
                                           << "exceeds the limit of";
        QTest::newRow("folded Reshape whose product overflows") << "onnx_const_reshape_overflow.onnx"
                                                                << "node 'Reshape_c' (Reshape): cannot reshape [2]";
        QTest::newRow("folded Gather index INT64_MAX") << "onnx_gather_index_int64_max.onnx"
                                                       << "node 'Gather_c' (Gather): Gather index";
    }

    void refusedWithError()
    {
        QFETCH(QString, file);
        QFETCH(QString, says);
        const std::string path = std::string(LUTHIER_SOURCE_DIR) + "/tests/data/regression/" + file.toStdString();
        const auto o = luthier::testing::runIsolated([&] { importer::importModel(path); });
        QVERIFY2(!o.crashed, ("the import crashed: " + o.describe()).c_str());
        QVERIFY2(o.threwError, ("expected a luthier::Error: " + o.describe()).c_str());
        QVERIFY2(o.message.find(says.toStdString()) != std::string::npos, o.message.c_str());
    }
};

QTEST_GUILESS_MAIN(RegressionOnnxImportTest)
#include "test_regression_onnx_import.moc"
