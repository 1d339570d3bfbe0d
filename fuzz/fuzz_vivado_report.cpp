// libFuzzer target: Vivado's hierarchical utilisation report, text and XML forms
// (core/export/utilization_report.h).

#include "export/utilization_report.h"
#include "util/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        luthier::exporter::parseUtilizationReport(std::string(reinterpret_cast<const char*>(data), size), "fuzz.rpt");
    } catch (const luthier::Error&) {
    }
    return 0;
}
