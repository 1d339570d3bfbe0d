#include "export/utilization_report.h"

#include "util/error.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace luthier::exporter {

namespace {

std::string trim(std::string_view text)
{
    size_t begin = 0, end = text.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])))
        ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
        --end;
    return std::string(text.substr(begin, end - begin));
}

// A table's cells as written (not trimmed): the leading spaces of the instance cell carry the depth.
std::vector<std::string> splitCells(const std::string& line)
{
    std::vector<std::string> cells;
    size_t start = line.find('|');
    while (start != std::string::npos) {
        const size_t next = line.find('|', start + 1);
        if (next == std::string::npos) break;
        cells.push_back(line.substr(start + 1, next - start - 1));
        start = next;
    }
    return cells;
}

enum class Column { Instance, Module, TotalLuts, LogicLuts, Lutrams, Srls, Ffs, Ramb36, Ramb18, Uram, Dsps, Other };

Column columnOf(const std::string& name)
{
    static const std::map<std::string, Column> known { { "Instance", Column::Instance }, { "Module", Column::Module },
        { "Total LUTs", Column::TotalLuts }, { "Logic LUTs", Column::LogicLuts }, { "LUTRAMs", Column::Lutrams },
        { "SRLs", Column::Srls }, { "FFs", Column::Ffs }, { "RAMB36", Column::Ramb36 }, { "RAMB18", Column::Ramb18 },
        { "URAM", Column::Uram } };
    if (const auto it = known.find(name); it != known.end()) return it->second;
    if (name.rfind("DSP", 0) == 0) // "DSP48 Blocks" (7-series, older versions), "DSP Blocks"
        return Column::Dsps;
    return Column::Other;
}

class TableReader {
public:
    explicit TableReader(std::string label)
        : m_label(std::move(label))
    {
    }

    bool hasHeader() const { return !m_columns.empty(); }

    // Header cells, trimmed. Returns false when this is not the hierarchy table's header.
    bool header(const std::vector<std::string>& cells)
    {
        std::vector<Column> columns;
        bool instance = false, luts = false;
        for (const std::string& cell : cells) {
            columns.push_back(columnOf(trim(cell)));
            instance = instance || columns.back() == Column::Instance;
            luts = luts || columns.back() == Column::TotalLuts;
        }
        if (!instance || !luts) return false;
        m_columns = std::move(columns);
        return true;
    }

    // A data row; `indent` is the number of leading spaces of the instance name.
    void row(const std::vector<std::string>& cells, int indent, int line, UtilizationReport& report) const
    {
        if (cells.size() != m_columns.size())
            throw Error(m_label + ":" + std::to_string(line) + ": a row has " + std::to_string(cells.size())
                + " cells, the header " + std::to_string(m_columns.size()));
        UtilizationRow row;
        row.depth = indent / 2;
        for (size_t i = 0; i < cells.size(); ++i) {
            const Column column = m_columns[i];
            if (column == Column::Instance) {
                row.instance = trim(cells[i]);
                continue;
            }
            if (column == Column::Module) {
                row.module = trim(cells[i]);
                continue;
            }
            if (column == Column::Other) continue;
            const double value = number(trim(cells[i]), line);
            switch (column) {
            case Column::TotalLuts:
                row.totalLuts = value;
                break;
            case Column::LogicLuts:
                row.logicLuts = value;
                break;
            case Column::Lutrams:
                row.lutrams = value;
                break;
            case Column::Srls:
                row.srls = value;
                break;
            case Column::Ffs:
                row.ffs = value;
                break;
            case Column::Ramb36:
                row.ramb36 = value;
                break;
            case Column::Ramb18:
                row.ramb18 = value;
                break;
            case Column::Uram:
                row.uram = value;
                break;
            case Column::Dsps:
                row.dsps = value;
                break;
            default:
                break;
            }
        }
        report.rows.push_back(std::move(row));
    }

private:
    // "120", "1,234", "26326(2.23%)", "0.5" (block RAM halves): the leading number.
    double number(const std::string& cell, int line) const
    {
        std::string digits;
        for (char c : cell) {
            if (c == ',') continue;
            if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) break;
            digits += c;
        }
        char* end = nullptr;
        const double value = std::strtod(digits.c_str(), &end);
        if (digits.empty() || *end != '\0')
            throw Error(m_label + ":" + std::to_string(line) + ": '" + cell + "' is not a count");
        return value;
    }

    std::string m_label;
    std::vector<Column> m_columns;
};

// "| Design       : tiny_top" -> "tiny_top"
constexpr size_t kMaxRegexInput = 8192;

void headerField(const std::string& line, UtilizationReport& report)
{
    static const std::regex field(R"(^\|\s*(Tool Version|Design|Device|Design State)\s*:\s*(.*?)\s*$)");
    // libstdc++'s std::regex recurses per character: a hostile long line would overflow the stack.
    if (line.size() > kMaxRegexInput) return;
    std::smatch m;
    if (!std::regex_match(line, m, field)) return;
    const std::string key = m[1].str();
    (key == "Design"                ? report.design
            : key == "Device"       ? report.device
            : key == "Design State" ? report.designState
                                    : report.toolVersion)
        = m[2].str();
}

int leadingSpaces(const std::string& cell)
{
    int n = 0;
    while (n < int(cell.size()) && cell[size_t(n)] == ' ')
        ++n;
    return n;
}

UtilizationReport parseText(const std::string& text, const std::string& label)
{
    UtilizationReport report;
    TableReader table(label);
    bool done = false;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!table.hasHeader()) {
            headerField(line, report);
            if (line.rfind('|', 0) == 0) table.header(splitCells(line));
            continue;
        }
        if (done || line.rfind('|', 0) != 0) {
            // Borders (+---+) and markdown separators (|---|) belong to the table; anything else after
            // rows ends it (a report may hold more tables).
            if (!report.rows.empty() && line.rfind('+', 0) != 0) done = true;
            continue;
        }
        const std::vector<std::string> cells = splitCells(line);
        if (cells.empty() || trim(cells[0]).find_first_not_of("-:") == std::string::npos) continue;
        // The cell text is padded with one space after the '|'; the rest is the hierarchy indent.
        table.row(cells, std::max(0, leadingSpaces(cells[0]) - 1), number, report);
    }
    if (!table.hasHeader())
        throw Error(label
            + ": no hierarchical utilisation table (a header with Instance and Total LUTs); "
              "was it written by `report_utilization -hierarchical`?");
    if (report.rows.empty()) throw Error(label + ": the hierarchical utilisation table has no rows");
    return report;
}

std::string xmlUnescape(const std::string& text)
{
    static const std::pair<const char*, const char*> entities[]
        = { { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" }, { "&amp;", "&" } };
    std::string out;
    for (size_t i = 0; i < text.size();) {
        bool replaced = false;
        if (text[i] == '&')
            for (const auto& [entity, plain] : entities)
                if (text.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
                    out += plain;
                    i += std::char_traits<char>::length(entity);
                    replaced = true;
                    break;
                }
        if (!replaced) out += text[i++];
    }
    return out;
}

UtilizationReport parseXml(const std::string& text, const std::string& label)
{
    static const std::regex cellPattern(R"re(<(tableheader|tablecell)\b[^>]*?\bcontents="([^"]*)")re");
    UtilizationReport report;
    TableReader table(label);
    // Rows are found with plain searches (std::regex recurses per character; see kMaxRegexInput).
    for (size_t pos = text.find("<tablerow"); pos != std::string::npos; pos = text.find("<tablerow", pos)) {
        const int line = 1 + int(std::count(text.begin(), text.begin() + std::ptrdiff_t(pos), '\n'));
        const size_t open = text.find('>', pos);
        const size_t close = open == std::string::npos ? open : text.find("</tablerow>", open);
        if (close == std::string::npos)
            throw Error(label + ":" + std::to_string(line) + ": <tablerow> is not closed (truncated report?)");
        const std::string body = text.substr(open + 1, close - open - 1);
        pos = close + 11;
        if (body.size() > kMaxRegexInput)
            throw Error(label + ":" + std::to_string(line) + ": a table row longer than "
                + std::to_string(kMaxRegexInput) + " characters is not a Vivado report row");
        std::vector<std::string> cells;
        bool isHeader = false;
        for (auto c = std::sregex_iterator(body.begin(), body.end(), cellPattern); c != std::sregex_iterator(); ++c) {
            isHeader = (*c)[1].str() == "tableheader";
            cells.push_back(xmlUnescape((*c)[2].str()));
        }
        if (cells.empty()) continue;
        if (isHeader) {
            if (!table.hasHeader()) table.header(cells);
            continue;
        }
        if (table.hasHeader()) table.row(cells, leadingSpaces(cells[0]), line, report);
    }
    if (!table.hasHeader() || report.rows.empty())
        throw Error(label + ": no hierarchical utilisation table in this XML report");
    return report;
}

} // namespace

UtilizationReport parseUtilizationReport(const std::string& text, const std::string& label)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '<') return parseXml(text, label);
    return parseText(text, label);
}

UtilizationReport loadUtilizationReport(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open utilisation report " + path.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseUtilizationReport(buffer.str(), path.string());
}

std::vector<LayerUtilization> matchLayers(const UtilizationReport& report, const DesignManifest& design)
{
    std::vector<LayerUtilization> out;
    for (const LayerInfo& layer : design.layers) {
        LayerUtilization match { layer, std::nullopt };
        for (const UtilizationRow& row : report.rows)
            if (row.depth == 1 && row.instance == layer.instance) {
                match.vivado = row;
                break;
            }
        if (!match.vivado)
            for (const UtilizationRow& row : report.rows)
                if (row.instance == layer.instance) {
                    match.vivado = row;
                    break;
                }
        out.push_back(std::move(match));
    }
    return out;
}

} // namespace luthier::exporter
