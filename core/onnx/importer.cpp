#include "onnx/importer.h"

#include "onnx/graph_builder.h"
#include "util/error.h"

#include <filesystem>
#include <fstream>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sstream>

namespace luthier::importer {

namespace {

constexpr int kProtobufRecursionLimit = 64;

onnx::ModelProto parseModel(const std::string& bytes, const std::string& label)
{
    if (bytes.empty()) throw Error(label + ": the file is empty");
    google::protobuf::io::ArrayInputStream array(bytes.data(), int(bytes.size()));
    google::protobuf::io::CodedInputStream coded(&array);
    coded.SetRecursionLimit(kProtobufRecursionLimit);
    coded.SetTotalBytesLimit(int(std::min<size_t>(bytes.size() + 1, size_t(INT32_MAX))));
    onnx::ModelProto model;
    if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
        throw Error(
            label + ": not a valid ONNX model (protobuf parsing failed: the file is truncated, corrupt or not ONNX)");
    if (!model.has_graph() || model.graph().node_size() == 0)
        throw Error(label + ": the ONNX model has no graph nodes");
    return model;
}

} // namespace

ir::Graph importModelFromBytes(
    const std::string& bytes, const std::string& label, const ImportLimits& limits, const BoundInputs& bound)
{
    const onnx::ModelProto model = parseModel(bytes, label);
    GraphBuilder builder(model.graph(), label, limits, bound);
    ir::Graph graph = builder.build();
    graph.name = model.graph().name().empty() ? std::filesystem::path(label).stem().string() : model.graph().name();
    return graph;
}

ir::Graph importModel(const std::string& path, const ImportLimits& limits, const BoundInputs& bound)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path + ": no such file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read the file size: " + ec.message());
    if (size > (uintmax_t(2) << 30))
        throw Error(path + ": the model is larger than 2 GiB, which protobuf cannot parse");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open the file");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    ir::Graph graph = importModelFromBytes(buffer.str(), path, limits, bound);
    graph.sourcePath = path;
    graph.name = std::filesystem::path(path).stem().string(); // exporters' graph names are often hashes
    return graph;
}

} // namespace luthier::importer
