#include "sim/csv.h"

#include "util/error.h"
#include "util/input_file.h"

#include <charconv>
#include <sstream>

namespace luthier::sim {

namespace {

std::vector<std::string> splitRow(const std::string& line)
{
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char ch : line) {
        if (ch == '"')
            quoted = !quoted;
        else if ((ch == ',' || ch == ';' || ch == '\t') && !quoted) {
            cells.push_back(cell);
            cell.clear();
        } else
            cell += ch;
    }
    cells.push_back(cell);
    for (std::string& c : cells) {
        const size_t b = c.find_first_not_of(" \r");
        c = b == std::string::npos ? std::string() : c.substr(b, c.find_last_not_of(" \r") - b + 1);
    }
    return cells;
}

bool parseNumber(const std::string& cell, double& out)
{
    if (cell.empty()) return false;
    const char* begin = cell.data();
    if (*begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, cell.data() + cell.size(), out);
    return ec == std::errc() && ptr == cell.data() + cell.size();
}

} // namespace

CsvTable parseCsv(const std::string& text, const std::string& label)
{
    CsvTable table;
    std::istringstream in(text);
    std::string line;
    int64_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
        std::vector<std::string> cells = splitRow(line);
        std::vector<double> row(cells.size());
        bool numeric = true;
        for (size_t i = 0; i < cells.size() && numeric; ++i)
            numeric = parseNumber(cells[i], row[i]);
        if (!numeric) {
            if (table.rows == 0 && table.header.empty()) {
                table.header = cells;
                table.cols = int64_t(cells.size());
                continue;
            }
            throw Error(label + ":" + std::to_string(lineNo) + ": non-numeric value in row");
        }
        if (table.cols == 0) table.cols = int64_t(row.size());
        if (int64_t(row.size()) != table.cols)
            throw Error(label + ":" + std::to_string(lineNo) + ": row has " + std::to_string(row.size())
                + " columns, expected " + std::to_string(table.cols));
        table.values.insert(table.values.end(), row.begin(), row.end());
        ++table.rows;
    }
    if (table.rows == 0) throw Error(label + ": no numeric rows");
    return table;
}

CsvTable readCsv(const std::string& path)
{
    // 4 GiB of text is far beyond any dataset a CSV holds in practice and still fits in memory.
    return parseCsv(util::readInputFile(path, "the CSV table", uint64_t(1) << 32), path);
}

} // namespace luthier::sim
