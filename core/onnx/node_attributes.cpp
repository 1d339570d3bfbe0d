#include "onnx/graph_builder.h"

namespace luthier::importer {

const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, const std::string& name)
{
    for (const auto& a : node.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

int64_t intAttribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback)
{
    const auto* a = findAttribute(node, name);
    return a ? a->i() : fallback;
}

double floatAttribute(const onnx::NodeProto& node, const std::string& name, double fallback)
{
    const auto* a = findAttribute(node, name);
    return a ? double(a->f()) : fallback;
}

std::string stringAttribute(const onnx::NodeProto& node, const std::string& name, const std::string& fallback)
{
    const auto* a = findAttribute(node, name);
    return a ? a->s() : fallback;
}

std::vector<int64_t> intsAttribute(const onnx::NodeProto& node, const std::string& name)
{
    const auto* a = findAttribute(node, name);
    if (!a) return {};
    return { a->ints().begin(), a->ints().end() };
}

std::vector<double> floatsAttribute(const onnx::NodeProto& node, const std::string& name)
{
    const auto* a = findAttribute(node, name);
    if (!a) return {};
    return { a->floats().begin(), a->floats().end() };
}

std::string describeNode(const onnx::NodeProto& node)
{
    const std::string name = node.name().empty() && node.output_size() ? node.output(0) : node.name();
    const std::string op = node.domain().empty() ? node.op_type() : node.domain() + ":" + node.op_type();
    return "node '" + name + "' (" + op + ")";
}

} // namespace luthier::importer
