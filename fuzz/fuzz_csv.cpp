// libFuzzer target: the numeric CSV dataset reader (core/sim/csv.h).

#include "sim/csv.h"
#include "util/error.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const luthier::sim::CsvTable table
            = luthier::sim::parseCsv(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
        // The table's own invariant: rows x cols values, a header only when it has cols names.
        if (int64_t(table.values.size()) != table.rows * table.cols) std::abort();
        if (!table.header.empty() && int64_t(table.header.size()) != table.cols) std::abort();
    } catch (const luthier::Error&) {
    }
    return 0;
}
