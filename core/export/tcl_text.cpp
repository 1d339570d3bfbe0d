#include "export/tcl_text.h"

#include <cstdio>

namespace luthier::exporter {

namespace {

bool isPlainTclChar(unsigned char c)
{
    // Characters with no meaning to the Tcl parser in the middle of a word. '#' is special only at
    // the start of a command, '~' only to some file commands: both are escaped to be safe.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '/' || c == '-' || c == '+' || c == ':' || c == ',' || c == '=' || c == '@' || c == '%' || c == '*';
}

// Text that reads back unchanged between braces: no braces or backslashes (which would need
// balancing or escaping) and no control characters. "*" is left out: `{*}` is Tcl's expansion prefix.
bool fitsInBraces(std::string_view text)
{
    if (text == "*") return false;
    for (unsigned char c : text)
        if (c == '{' || c == '}' || c == '\\' || c < 0x20 || c == 0x7f) return false;
    return true;
}

} // namespace

std::string tclWord(std::string_view text)
{
    if (text.empty()) return "{}";
    bool plain = true;
    for (unsigned char c : text)
        plain = plain && (isPlainTclChar(c) || c >= 0x80);
    if (plain) return std::string(text);
    // Braces are what people write by hand ({in_data[*]}, {My Project}); backslashes cover the rest.
    if (fitsInBraces(text)) return "{" + std::string(text) + "}";
    std::string out;
    out.reserve(text.size() + 8);
    for (unsigned char c : text) {
        if (isPlainTclChar(c) || c >= 0x80) {
            out += static_cast<char>(c); // UTF-8 continuation and lead bytes pass through unchanged
        } else if (c < 0x20 || c == 0x7f) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
        } else {
            out += '\\';
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string commentText(std::string_view text)
{
    std::string out(text);
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return out;
}

bool isVerilogIdentifier(std::string_view name)
{
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!(letter || (digit && i > 0))) return false;
    }
    return true;
}

std::string sanitiseName(std::string_view text, std::string_view fallback)
{
    std::string out;
    for (char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        out += keep ? c : '_';
    }
    if (out.empty()) return std::string(fallback);
    if (out[0] >= '0' && out[0] <= '9') out.insert(out.begin(), '_');
    return out;
}

} // namespace luthier::exporter
