#!/usr/bin/python3
"""Generates the FINN test models of tests/core/test_finn_import.cpp (run with Debian's python3-onnx):

  streamlined_mlp.onnx  A FINN-streamlined-style MLP on UINT8 MNIST pixels: MatMul + MultiThreshold chains
                        (per-channel NCHW thresholds with a signed out_bias, per-tensor NHWC thresholds, a
                        bipolar out_scale 2 / out_bias -1 activation) and a Mul/Add tail, weights annotated
                        INT2 / BIPOLAR in quantization_annotation as FINN writes them.
  dataflow_variants.onnx FINN fpgadataflow nodes beyond cybsec's: Thresholding_hls (ActVal -1), an MVAU_rtl in
                        binaryXnorMode, an MVAU_hls with BIPOLAR x BIPOLAR products and one with noActivation.

Thresholds come from quantiles of the pre-activations on the shared MNIST digits, rounded to integers so
that ties (threshold == accumulator) occur and test MultiThreshold's "threshold <= x" rule.
Usage: make_finn_models.py SHARED_DIR OUT_DIR
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

shared, out = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(27)
x = np.round(np.load(shared + "/data/mnist_x_2k.npy").reshape(2000, 784) * 255.0)


def annotate(graph, tensor, dtype):
    qa = onnx.TensorAnnotation()
    qa.tensor_name = tensor
    e = qa.quant_parameter_tensor_names.add()
    e.key, e.value = "finn_datatype", dtype
    graph.quantization_annotation.append(qa)


def thresholds(acc, steps, per_channel):
    qs = np.linspace(0.15, 0.85, steps)
    t = np.quantile(acc, qs, axis=0).T if per_channel else np.quantile(acc, qs)[None, :]
    return np.sort(np.round(t), axis=1).astype(np.float32)


def multithreshold(v, t, scale, bias):  # qonnx: out_scale * #{k : t[c][k] <= v} + out_bias
    return scale * (v[:, :, None] >= t[None, :, :]).sum(-1) + bias


def save(nodes, inits, annotations, name, in_shape, out_shape):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("global_in", TensorProto.FLOAT, in_shape)],
                          [helper.make_tensor_value_info("global_out", TensorProto.FLOAT, out_shape)],
                          [numpy_helper.from_array(v, k) for k, v in inits.items()])
    for tensor, dtype in annotations:
        annotate(g, tensor, dtype)
    m = helper.make_model(g, producer_name="luthier tests/data/finn/make_finn_models.py",
                          opset_imports=[helper.make_opsetid("", 11)])
    onnx.save(m, out + "/" + name + ".onnx")


def streamlined():
    w = [rng.integers(-1, 2, size=s).astype(np.float32) for s in [(784, 64), (64, 64), (64, 64), (64, 10)]]
    w[2] = np.where(rng.random((64, 64)) < 0.5, -1.0, 1.0).astype(np.float32)  # BIPOLAR weights
    h = x @ w[0]
    t0 = thresholds(h, 3, True)
    h = multithreshold(h, t0, 1, -2) @ w[1]
    t1 = thresholds(h, 3, False)
    h = multithreshold(h, t1, 1, 0) @ w[2]
    t2 = thresholds(h, 1, True)
    inits = {"shape": np.array([1, 784], np.int64), "W0": w[0], "T0": t0, "W1": w[1], "T1": t1, "W2": w[2],
             "T2": t2, "W3": w[3], "scale": np.array([0.25], np.float32),
             "bias": rng.integers(-4, 5, size=(10,)).astype(np.float32)}
    mt = "qonnx.custom_op.general"
    nodes = [
        helper.make_node("Reshape", ["global_in", "shape"], ["flat"], name="Reshape_0"),
        helper.make_node("MatMul", ["flat", "W0"], ["mm0"], name="MatMul_0"),
        helper.make_node("MultiThreshold", ["mm0", "T0"], ["a0"], name="MultiThreshold_0", domain=mt,
                         out_dtype="INT2", out_bias=-2.0, data_layout="NCHW"),
        helper.make_node("MatMul", ["a0", "W1"], ["mm1"], name="MatMul_1"),
        helper.make_node("MultiThreshold", ["mm1", "T1"], ["a1"], name="MultiThreshold_1", domain=mt,
                         out_dtype="UINT2", data_layout="NHWC"),
        helper.make_node("MatMul", ["a1", "W2"], ["mm2"], name="MatMul_2"),
        helper.make_node("MultiThreshold", ["mm2", "T2"], ["a2"], name="MultiThreshold_2",
                         domain="finn.custom_op.general", out_dtype="BIPOLAR", out_scale=2.0, out_bias=-1.0),
        helper.make_node("MatMul", ["a2", "W3"], ["mm3"], name="MatMul_3"),
        helper.make_node("Mul", ["mm3", "scale"], ["scaled"], name="Mul_0"),
        helper.make_node("Add", ["scaled", "bias"], ["global_out"], name="Add_0"),
    ]
    ann = [("global_in", "UINT8"), ("W0", "INT2"), ("W1", "INT2"), ("W2", "BIPOLAR"), ("W3", "INT2"),
           ("a0", "INT2"), ("a1", "UINT2"), ("a2", "BIPOLAR")]
    save(nodes, inits, ann, "streamlined_mlp", [1, 1, 28, 28], [1, 10])


def dataflow():
    # global_in: UINT8 pixels (784) -> Thresholding to BINARY bits -> XNOR MVAU (BINARY x BINARY) -> UINT3
    # -> MVAU INT2 weights to BIPOLAR -> MVAU BIPOLAR x BIPOLAR to UINT2 -> MVAU noActivation.
    t_in = np.full((1, 1), 128.0, np.float32)
    bits = (x >= 128).astype(np.float64)
    wx = rng.integers(0, 2, size=(784, 32)).astype(np.float32)
    pop = bits @ (2 * wx - 1) + (1 - wx).sum(0)  # XNOR popcount
    tx = thresholds(pop, 7, True)
    a1 = multithreshold(pop, tx, 1, 0)
    w2 = rng.integers(-2, 2, size=(32, 16)).astype(np.float32)
    t2 = thresholds(a1 @ w2, 1, True)
    a2 = multithreshold(a1 @ w2, t2, 2, -1)
    w3 = np.where(rng.random((16, 16)) < 0.5, -1.0, 1.0).astype(np.float32)
    t3 = thresholds((a2 @ w3 + 16) / 2, 3, True)
    w4 = rng.integers(-2, 2, size=(16, 10)).astype(np.float32)
    inits = {"shape": np.array([1, 784], np.int64), "Tin": t_in, "Wx": wx, "Tx": tx, "W2": w2, "T2": t2,
             "W3": w3, "T3": t3, "W4": w4}
    hls, rtl = "finn.custom_op.fpgadataflow.hls", "finn.custom_op.fpgadataflow.rtl"

    def mvau(op, dom, ins, out, mw, mh, pe, simd, idt, wdt, odt, **kw):
        return helper.make_node(op, ins, [out], name=out + "_node", domain=dom, backend="fpgadataflow", MW=mw, MH=mh,
                                PE=pe, SIMD=simd, inputDataType=idt, weightDataType=wdt, outputDataType=odt, **kw)

    nodes = [
        helper.make_node("Reshape", ["global_in", "shape"], ["flat"], name="Reshape_0"),
        helper.make_node("Thresholding_hls", ["flat", "Tin"], ["bits"], name="Thresholding_0", domain=hls,
                         backend="fpgadataflow", NumChannels=784, PE=1, numSteps=1, inputDataType="UINT8",
                         outputDataType="BINARY", ActVal=0),
        mvau("MVAU_rtl", rtl, ["bits", "Wx", "Tx"], "a1", 784, 32, 4, 16, "BINARY", "BINARY", "UINT3",
             binaryXnorMode=1, ActVal=0),
        mvau("MVAU_hls", hls, ["a1", "W2", "T2"], "a2", 32, 16, 2, 8, "UINT3", "INT2", "BIPOLAR", ActVal=0),
        mvau("MVAU_hls", hls, ["a2", "W3", "T3"], "a3", 16, 16, 16, 1, "BIPOLAR", "BIPOLAR", "UINT2", ActVal=0),
        mvau("MVAU_hls", hls, ["a3", "W4"], "global_out", 16, 10, 5, 4, "UINT2", "INT2", "INT32", noActivation=1),
    ]
    ann = [("global_in", "UINT8"), ("Wx", "BINARY"), ("W2", "INT2"), ("W3", "BIPOLAR"), ("W4", "INT2")]
    save(nodes, inits, ann, "dataflow_variants", [1, 1, 28, 28], [1, 10])


def conv_layouts():
    # 4-D MultiThreshold: NCHW per-channel thresholds after a Conv, then NHWC after a Transpose (the layout
    # FINN's channels-last graphs use), a bipolar one. Its expected outputs on the digits are saved, computed
    # here with numpy from the definition (the C++ test's reference interpreter is 2-D only).
    xi = x.reshape(2000, 1, 28, 28)
    wc = rng.integers(-1, 2, size=(4, 1, 3, 3)).astype(np.float32)
    win = np.lib.stride_tricks.sliding_window_view(xi, (3, 3), axis=(2, 3))  # {N, 1, 26, 26, 3, 3}
    conv = np.einsum("nchwij,ocij->nohw", win, wc)
    t0 = np.sort(np.round(np.quantile(conv.transpose(1, 0, 2, 3).reshape(4, -1), [0.3, 0.6, 0.9], axis=1).T), 1)
    a0 = (conv[:, :, :, :, None] >= t0[None, :, None, None, :]).sum(-1) - 2.0
    nhwc = a0.transpose(0, 2, 3, 1)
    t1 = np.array([[-0.5], [0.5], [-1.5], [0.5]], np.float32)
    a1 = 2.0 * (nhwc[..., None] >= t1[None, None, None, :, :]).sum(-1) - 1.0
    wd = rng.integers(-1, 2, size=(26 * 26 * 4, 10)).astype(np.float32)
    y = a1.reshape(2000, -1) @ wd
    inits = {"Wc": wc, "T0": t0.astype(np.float32), "T1": t1, "shape": np.array([-1, 26 * 26 * 4], np.int64),
             "Wd": wd}
    nodes = [
        helper.make_node("Conv", ["global_in", "Wc"], ["conv"], name="Conv_0", kernel_shape=[3, 3]),
        helper.make_node("MultiThreshold", ["conv", "T0"], ["a0"], name="MultiThreshold_0",
                         domain="qonnx.custom_op.general", out_bias=-2.0, data_layout="NCHW"),
        helper.make_node("Transpose", ["a0"], ["nhwc"], name="Transpose_0", perm=[0, 2, 3, 1]),
        helper.make_node("MultiThreshold", ["nhwc", "T1"], ["a1"], name="MultiThreshold_1",
                         domain="qonnx.custom_op.general", out_scale=2.0, out_bias=-1.0, data_layout="NHWC"),
        helper.make_node("Reshape", ["a1", "shape"], ["flat"], name="Reshape_0"),
        helper.make_node("MatMul", ["flat", "Wd"], ["global_out"], name="MatMul_0"),
    ]
    ann = [("global_in", "UINT8"), ("Wc", "INT2"), ("Wd", "INT2")]
    save(nodes, inits, ann, "conv_layouts", [1, 1, 28, 28], [1, 10])
    np.save(out + "/conv_layouts.expected.npy", y.astype(np.float32))


streamlined()
dataflow()
conv_layouts()
