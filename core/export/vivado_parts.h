#pragma once
// Vivado wants a full part name (device, package, speed grade). The workbench names devices by their
// family member (xc7z020, xcvu13p); this maps those to the part of the usual evaluation board, and
// passes full part names through.

#include <string>
#include <string_view>

namespace luthier::exporter {

// "xc7z020" -> "xc7z020clg400-1" (PYNQ-Z1/Z2), "xczu9eg" -> "xczu9eg-ffvb1156-2-e" (ZCU102),
// "xcvu9p" -> "xcvu9p-flga2104-2L-e" (VCU118), "xcvu13p" -> "xcvu13p-flga2577-1-e"; a name that already
// carries a package/speed suffix is returned unchanged. Throws luthier::Error for parts Vivado cannot
// target (iCE40, ECP5) and for text that is not a part name.
std::string vivadoPart(std::string_view part);

} // namespace luthier::exporter
