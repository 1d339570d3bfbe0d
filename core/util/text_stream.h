#pragma once
// The in-memory text buffer every generator writes into (Verilog, ROMs, Tcl, XDC). A std::ostringstream that runs
// out of memory in the middle of a write swallows the bad_alloc into its badbit and keeps what it had, so a
// generator would hand back a truncated file that still ends in `endmodule` (issue 29: exit 0 with 800 MB of
// wires missing under an address-space limit). This one rethrows, so a text is either complete or not produced.

#include <sstream>

namespace luthier::util {

class TextStream : public std::ostringstream {
public:
    TextStream() { exceptions(std::ios::badbit | std::ios::failbit); }
};

} // namespace luthier::util
