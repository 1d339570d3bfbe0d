#pragma once
// Numeric CSV tables (one sample per row) for datasets. A first row that is not numeric is a header.

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::sim {

struct CsvTable {
    std::vector<std::string> header; // empty when the file has none
    int64_t rows = 0, cols = 0;
    std::vector<double> values; // row-major
};

CsvTable readCsv(const std::string& path);
// `label` names the source in error messages.
CsvTable parseCsv(const std::string& text, const std::string& label);

} // namespace luthier::sim
