#!/usr/bin/python3
"""Streamlines the shared TFC_2W2A (QONNX: Quant, MatMul, BatchNormalization) the way FINN does, into
tests/data/finn/TFC_2W2A_streamlined.onnx: integer INT2 weights (quantization_annotation), the input
Mul/Sub/Quant and every BatchNormalization + Quant folded into MultiThreshold nodes, and the last layer's
BatchNormalization into a scalar Mul/Add tail.

Thresholds are the integer accumulators at which the original's output level changes, found by evaluating
the original's float64 chain (folded BN y = acc * m + a, then QONNX Quant: round half to even, clamp) at
every reachable accumulator, so the streamlined graph is exact by construction and a test can compare it
with the original's golden model on every digit. Usage: make_streamlined_tfc.py SHARED_DIR OUT_DIR
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

shared, out = sys.argv[1], sys.argv[2]
src = onnx.load(shared + "/models/TFC_2W2A.onnx").graph
init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in src.initializer}
nodes = {n.name: n for n in src.node}


def weights(quant):  # Quant int2 narrow, scale 1: the integer weights, {in, out} as MatMul takes them
    w = np.clip(np.round(init[nodes[quant].input[0]]), -1, 1)  # np.round is half to even, like QONNX ROUND
    return w.T


def level(y):  # QONNX Quant int2 narrow signed, scale 1, ROUND
    return np.round(np.clip(y, -1, 1))


def bn_thresholds(bn, fan_in, w):
    """Thresholds on acc' = s * acc, s = sign of the BN scale per channel: FINN's sign flip of the weight
    columns whose BN scale is negative (their level falls as the accumulator grows), applied to w in place."""
    n = nodes[bn]
    gamma, beta, mean, var = (init[n.input[i]] for i in range(1, 5))
    eps = float(np.float32([a for a in n.attribute if a.name == "epsilon"][0].f))
    m = gamma / np.sqrt(var + eps)
    a = beta - mean * m
    sign = np.where(m < 0, -1.0, 1.0)
    w *= sign[None, :]
    acc = np.arange(-fan_in, fan_in + 1, dtype=np.float64)
    q = level((sign[:, None] * acc[None, :]) * m[:, None] + a[:, None])  # {channels, accumulators acc'}
    # Smallest accumulator reaching level -1 + k, k = 1, 2 (beyond the range when never reached).
    t = np.stack([np.where((q >= k - 1).any(1), acc[np.argmax(q >= k - 1, axis=1)], fan_in + 1) for k in (1, 2)], 1)
    return t.astype(np.float32)


w = [weights(q) for q in ("Quant_18", "Quant_30", "Quant_42", "Quant_54")]
# Input: level(2x - 1) >= 0 iff x >= 0.25 (-0.5 rounds to even 0); = 1 iff 2x - 1 > 0.5 iff x > 0.75.
t_in = np.array([[0.25, np.nextafter(np.float32(0.75), np.float32(1))]], np.float32)
tail = nodes["Sub_57"]
mean = init["features.15.running_mean"][0]
std = np.sqrt(init["92"][0])
gamma, beta = init["features.15.weight"][0], init["features.15.bias"][0]
inits = {"shape": np.array([-1, 784], np.int64), "T_in": t_in,
         "W0": w[0], "T0": bn_thresholds("BatchNormalization_21", 784, w[0]),
         "W1": w[1], "T1": bn_thresholds("BatchNormalization_33", 64, w[1]),
         "W2": w[2], "T2": bn_thresholds("BatchNormalization_45", 64, w[2]),
         "W3": w[3], "scale": np.array([gamma / std], np.float32),
         "bias": np.array([beta - mean * gamma / std], np.float32)}
mt = dict(domain="qonnx.custom_op.general", out_dtype="INT2", out_bias=-1.0, data_layout="NC")
g_nodes = [helper.make_node("Reshape", ["global_in", "shape"], ["flat"], name="Reshape_0"),
           helper.make_node("MultiThreshold", ["flat", "T_in"], ["a_in"], name="MultiThreshold_in", **mt)]
prev = "a_in"
for i in range(4):
    g_nodes.append(helper.make_node("MatMul", [prev, "W%d" % i], ["mm%d" % i], name="MatMul_%d" % i))
    if i < 3:
        g_nodes.append(helper.make_node("MultiThreshold", ["mm%d" % i, "T%d" % i], ["a%d" % i],
                                        name="MultiThreshold_%d" % i, **mt))
        prev = "a%d" % i
g_nodes += [helper.make_node("Mul", ["mm3", "scale"], ["scaled"], name="Mul_0"),
            helper.make_node("Add", ["scaled", "bias"], ["global_out"], name="Add_0")]
g = helper.make_graph(g_nodes, "TFC_2W2A_streamlined",
                      [helper.make_tensor_value_info("global_in", TensorProto.FLOAT, [1, 1, 28, 28])],
                      [helper.make_tensor_value_info("global_out", TensorProto.FLOAT, [1, 10])],
                      [numpy_helper.from_array(v.astype(np.float32) if v.dtype == np.float64 else v, k)
                       for k, v in inits.items()])
for name in ("W0", "W1", "W2", "W3"):
    qa = onnx.TensorAnnotation()
    qa.tensor_name = name
    e = qa.quant_parameter_tensor_names.add()
    e.key, e.value = "finn_datatype", "INT2"
    g.quantization_annotation.append(qa)
onnx.save(helper.make_model(g, producer_name="luthier tests/data/finn/make_streamlined_tfc.py",
                            opset_imports=[helper.make_opsetid("", 11)]), out + "/TFC_2W2A_streamlined.onnx")
