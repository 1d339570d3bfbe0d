#include "export/vivado_parts.h"

#include "util/error.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace luthier::exporter {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kBoardParts { {
    { "xc7z020", "xc7z020clg400-1" },
    { "xczu9eg", "xczu9eg-ffvb1156-2-e" },
    { "xcvu9p", "xcvu9p-flga2104-2L-e" },
    { "xcvu13p", "xcvu13p-flga2577-1-e" },
} };

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

} // namespace

std::string vivadoPart(std::string_view part)
{
    const std::string name = lower(part);
    if (name.rfind("ice40", 0) == 0 || name.rfind("lfe5", 0) == 0 || name.rfind("ecp5", 0) == 0)
        throw Error(
            "part '" + std::string(part) + "' is not a Xilinx device; Vivado cannot target it (use the Yosys flow)");
    const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
    });
    if (!plain || name.rfind("xc", 0) != 0)
        throw Error("'" + std::string(part) + "' is not a Xilinx part name (expected e.g. xc7z020clg400-1 or xcvu13p)");
    for (const auto& [device, full] : kBoardParts)
        if (name == device) return std::string(full);
    if (name.find('-') == std::string::npos)
        throw Error("part '" + std::string(part) + "' needs its package and speed grade (e.g. " + name
            + "-...-1); Luthier knows defaults only for xc7z020, xczu9eg, xcvu9p and xcvu13p");
    return std::string(part);
}

} // namespace luthier::exporter
