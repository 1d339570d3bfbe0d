#pragma once
// A ResNet-18-shaped QONNX model for benchmarks (header-only so any bench_*.cpp can include it): ImageNet shapes
// (1x3x224x224 input, 1000 classes), every Conv/Gemm weight behind a QONNX Quant node (3-bit signed narrow,
// per-output-channel scale, values drawn from a Laplace distribution as trained weights are), BatchNormalization
// after every conv, and 3-bit unsigned activation Quant nodes after every ReLU and the global average pool, as
// Brevitas/QONNX export them.
// The weights are random: the model is for timing and statistics at real sizes, not for accuracy.

#include <cmath>
#include <cstdint>
#include <fstream>
#include <onnx/onnx_pb.h>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace luthier::bench {

struct Resnet18Options {
    int weightBits = 3;
    int activationBits = 3;
    int inputBits = 8;
    int classes = 1000;
    int imageSize = 224;
    uint64_t seed = 18;
};

namespace detail {

class Resnet18Builder {
public:
    explicit Resnet18Builder(const Resnet18Options& options)
        : m_opt(options)
        , m_rng(options.seed)
    {
        m_model.set_ir_version(8);
        m_model.set_producer_name("luthier bench/resnet18_model.h");
        auto* onnxOpset = m_model.add_opset_import();
        onnxOpset->set_domain("");
        onnxOpset->set_version(13);
        auto* qonnxOpset = m_model.add_opset_import();
        qonnxOpset->set_domain("qonnx.custom_op.general");
        qonnxOpset->set_version(1);
        m_graph = m_model.mutable_graph();
        m_graph->set_name(
            "resnet18_w" + std::to_string(options.weightBits) + "a" + std::to_string(options.activationBits));
    }

    onnx::ModelProto build()
    {
        const int s = m_opt.imageSize;
        addValueInfo(m_graph->add_input(), "global_in", { 1, 3, s, s });
        std::string x = quantAct("global_in", m_opt.inputBits, true, 1.0 / 64.0);
        x = conv(x, 3, 64, 7, 2, 3);
        x = quantAct(relu(batchNorm(x, 64)), m_opt.activationBits, false, 0.25);
        x = node("MaxPool", { x },
            { ints("kernel_shape", { 3, 3 }), ints("strides", { 2, 2 }), ints("pads", { 1, 1, 1, 1 }) });
        int channels = 64;
        for (int stage = 0; stage < 4; ++stage) {
            const int out = 64 << stage;
            for (int block = 0; block < 2; ++block) {
                const int stride = (stage > 0 && block == 0) ? 2 : 1;
                std::string y = conv(x, channels, out, 3, stride, 1);
                y = quantAct(relu(batchNorm(y, out)), m_opt.activationBits, false, 0.25);
                y = batchNorm(conv(y, out, out, 3, 1, 1), out);
                std::string shortcut = x;
                if (stride != 1 || channels != out) shortcut = batchNorm(conv(x, channels, out, 1, stride, 0), out);
                x = quantAct(relu(node("Add", { y, shortcut }, {})), m_opt.activationBits, false, 0.25);
                channels = out;
            }
        }
        x = quantAct(node("GlobalAveragePool", { x }, {}), m_opt.activationBits, false, 0.25);
        x = node("Flatten", { x }, { intAttr("axis", 1) });
        // fc: Gemm with transB = 1 (weight {classes, 512}), quantised like the convs.
        const std::string w = quantWeight(channels, std::vector<int64_t> { m_opt.classes, channels });
        const std::string b = initializer(randomVector(size_t(m_opt.classes), 0.01f), { m_opt.classes });
        x = node("Gemm", { x, w, b }, { intAttr("transB", 1) });
        m_graph->add_output()->set_name(x);
        addValueInfo(m_graph->mutable_output(0), x, { 1, m_opt.classes });
        return m_model;
    }

private:
    std::string fresh(const std::string& stem) { return stem + "_" + std::to_string(m_next++); }

    static onnx::AttributeProto intAttr(const std::string& name, int64_t v)
    {
        onnx::AttributeProto a;
        a.set_name(name);
        a.set_type(onnx::AttributeProto::INT);
        a.set_i(v);
        return a;
    }
    static onnx::AttributeProto ints(const std::string& name, const std::vector<int64_t>& v)
    {
        onnx::AttributeProto a;
        a.set_name(name);
        a.set_type(onnx::AttributeProto::INTS);
        for (int64_t x : v)
            a.add_ints(x);
        return a;
    }
    static onnx::AttributeProto stringAttr(const std::string& name, const std::string& v)
    {
        onnx::AttributeProto a;
        a.set_name(name);
        a.set_type(onnx::AttributeProto::STRING);
        a.set_s(v);
        return a;
    }

    static void addValueInfo(onnx::ValueInfoProto* info, const std::string& name, const std::vector<int64_t>& shape)
    {
        info->set_name(name);
        auto* t = info->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        for (int64_t d : shape)
            t->mutable_shape()->add_dim()->set_dim_value(d);
    }

    std::string initializer(const std::vector<float>& values, const std::vector<int64_t>& shape)
    {
        onnx::TensorProto* t = m_graph->add_initializer();
        const std::string name = fresh("param");
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : shape)
            t->add_dims(d);
        t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
        return name;
    }

    std::string node(const std::string& op, const std::vector<std::string>& inputs,
        const std::vector<onnx::AttributeProto>& attributes, const std::string& domain = "")
    {
        onnx::NodeProto* n = m_graph->add_node();
        const std::string name = fresh(op);
        n->set_name(name);
        n->set_op_type(op);
        n->set_domain(domain);
        for (const std::string& in : inputs)
            n->add_input(in);
        n->add_output(name + "_out");
        for (const auto& a : attributes)
            *n->add_attribute() = a;
        return name + "_out";
    }

    std::string quant(const std::string& x, const std::vector<float>& scale, const std::vector<int64_t>& scaleShape,
        int bits, bool isSigned, bool narrow)
    {
        const std::string s = initializer(scale, scaleShape);
        const std::string z = initializer({ 0.0f }, {});
        const std::string b = initializer({ float(bits) }, {});
        return node("Quant", { x, s, z, b },
            { intAttr("signed", isSigned), intAttr("narrow", narrow), stringAttr("rounding_mode", "ROUND") },
            "qonnx.custom_op.general");
    }

    std::string quantAct(const std::string& x, int bits, bool isSigned, double scale)
    {
        return quant(x, { float(scale) }, {}, bits, isSigned, false);
    }

    // Laplace(0, b) weights, per-output-channel scale b: about 39 % of the 3-bit integers are 0.
    std::string quantWeight(int64_t fanIn, const std::vector<int64_t>& shape)
    {
        int64_t count = 1;
        for (int64_t d : shape)
            count *= d;
        const double b = std::sqrt(1.0 / double(fanIn)); // He-like spread
        std::uniform_real_distribution<double> u(-0.5, 0.5);
        std::vector<float> w(static_cast<size_t>(count));
        for (float& v : w) {
            const double r = u(m_rng);
            v = float(-b * (r < 0 ? -1.0 : 1.0) * std::log(1.0 - 2.0 * std::fabs(r)));
        }
        std::vector<int64_t> scaleShape(shape.size(), 1);
        scaleShape[0] = shape[0];
        const std::string weights = initializer(w, shape);
        return quant(weights, std::vector<float>(size_t(shape[0]), float(b)), scaleShape, m_opt.weightBits, true, true);
    }

    std::string conv(const std::string& x, int in, int out, int k, int stride, int pad)
    {
        const std::string w = quantWeight(int64_t(in) * k * k, { out, in, k, k });
        return node("Conv", { x, w },
            { ints("kernel_shape", { k, k }), ints("strides", { stride, stride }),
                ints("pads", { pad, pad, pad, pad }) });
    }

    std::string batchNorm(const std::string& x, int channels)
    {
        std::normal_distribution<float> gamma(1.0f, 0.1f), beta(0.0f, 0.1f);
        const size_t n = static_cast<size_t>(channels);
        std::vector<float> g(n), bt(n), mean(n), var(n);
        for (int c = 0; c < channels; ++c) {
            g[size_t(c)] = gamma(m_rng);
            bt[size_t(c)] = beta(m_rng);
            mean[size_t(c)] = beta(m_rng);
            var[size_t(c)] = 1.0f;
        }
        return node("BatchNormalization",
            { x, initializer(g, { channels }), initializer(bt, { channels }), initializer(mean, { channels }),
                initializer(var, { channels }) },
            {});
    }

    std::string relu(const std::string& x) { return node("Relu", { x }, {}); }

    std::vector<float> randomVector(size_t n, float spread)
    {
        std::normal_distribution<float> d(0.0f, spread);
        std::vector<float> v(n, 0.0f);
        for (float& x : v)
            x = d(m_rng);
        return v;
    }

    Resnet18Options m_opt;
    std::mt19937_64 m_rng;
    onnx::ModelProto m_model;
    onnx::GraphProto* m_graph = nullptr;
    int m_next = 0;
};

} // namespace detail

inline onnx::ModelProto makeResnet18(const Resnet18Options& options = {})
{
    return detail::Resnet18Builder(options).build();
}

// Writes the model to `path` (about 47 MB of float32 weights at ImageNet size).
inline void writeResnet18(const std::string& path, const Resnet18Options& options = {})
{
    const onnx::ModelProto model = makeResnet18(options);
    std::ofstream out(path, std::ios::binary);
    if (!out || !model.SerializeToOstream(&out)) throw std::runtime_error(path + ": cannot write the ResNet-18 model");
}

} // namespace luthier::bench
