#include "util/json_file.h"

#include <fstream>
#include <sstream>

namespace luthier::util {

std::string readTextFile(const std::filesystem::path& path, const std::string& what)
{
    // A folder opens as a stream on Linux and then reads as empty; say what it is instead.
    if (std::error_code ec; std::filesystem::is_directory(path, ec))
        throw Error(path.string() + ": cannot open " + what + ": it is a folder");
    std::ifstream stream(path, std::ios::binary);
    if (!stream) throw Error(path.string() + ": cannot open " + what);
    std::ostringstream text;
    text << stream.rdbuf(); // an empty file leaves the text empty; the parser reports that
    return text.str();
}

nlohmann::json parseJson(const std::string& text, const std::string& label, const std::string& expected)
{
    const auto boundDepth = [&](int depth, nlohmann::json::parse_event_t event, const nlohmann::json&) {
        if (depth >= kMaxJsonDepth
            && (event == nlohmann::json::parse_event_t::object_start
                || event == nlohmann::json::parse_event_t::array_start))
            throw Error(
                label + ": not " + expected + " (nested deeper than " + std::to_string(kMaxJsonDepth) + " levels)");
        return true;
    };
    try {
        return nlohmann::json::parse(text, boundDepth);
    } catch (const nlohmann::json::exception& e) {
        // Drop the "[json.exception.parse_error.101] " prefix: it means nothing to a user.
        std::string what = e.what();
        if (const auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
        throw Error(label + ": not " + expected + " (" + what + ")");
    }
}

nlohmann::json loadJsonFile(const std::filesystem::path& path, const std::string& what)
{
    return parseJson(readTextFile(path, what), path.string());
}

std::string dumpJson(const nlohmann::json& doc, int indent)
{
    return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace luthier::util
