#pragma once
// Reading the JSON documents users hand us (device models, compiled-design manifests): every failure is a
// luthier::Error that names the file and, where a value is wrong, the key, so a bad file never crashes the
// program and the message says where to look.

#include "util/error.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace luthier::util {

// The whole file as bytes. Throws Error("<path>: cannot open <what>") when it cannot be read.
std::string readTextFile(const std::filesystem::path& path, const std::string& what);

// Nesting deeper than this is refused while parsing. No Luthier document nests more than a few levels, and
// nlohmann::json copies and compares recursively: a 100,000-deep project overflowed the workbench's stack.
inline constexpr int kMaxJsonDepth = 256;

// Throws Error("<label>: not <expected> (<reason>)"), also for numbers beyond double's range such as 1e400,
// which nlohmann::json reports as out_of_range rather than parse_error, and for nesting beyond kMaxJsonDepth.
nlohmann::json parseJson(const std::string& text, const std::string& label, const std::string& expected = "valid JSON");

// readTextFile + parseJson: the document in `path`, errors naming the file ("<path>: cannot open <what>",
// "<path>: not valid JSON (...)"). Every JSON file Luthier reads goes through here.
nlohmann::json loadJsonFile(const std::filesystem::path& path, const std::string& what);

// The document as text, `indent` as nlohmann::json::dump takes it. ONNX does not check that names are UTF-8, so a
// node or file name may carry any bytes: those become U+FFFD here instead of throwing from the middle of a report.
// Every JSON document Luthier writes goes through here.
std::string dumpJson(const nlohmann::json& doc, int indent = -1);

// Base of a loader's typed accessors: errors read "<label>: <key>: <what>".
class JsonReader {
public:
    explicit JsonReader(std::string label)
        : m_label(std::move(label))
    {
    }

    [[noreturn]] void fail(const std::string& key, const std::string& what) const
    {
        throw Error(m_label + ": " + key + ": " + what);
    }
    const std::string& label() const { return m_label; }

private:
    std::string m_label;
};

} // namespace luthier::util
