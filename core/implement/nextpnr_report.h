#pragma once
// What nextpnr's `--report FILE` JSON (nextpnr 0.4) says about a routed design: the achieved frequency of each
// clock, the critical path of each pair of clock domains, and the used / available count of each bel type.
//
//   {"fmax": {"clk$SB_IO_IN_$glb_clk": {"achieved": 66.7, "constraint": 12}},
//    "critical_paths": [{"from": "posedge clk...", "to": "<async>", "path": [{"type": "clk-to-q" | "routing" |
//        "logic" | "setup", "delay": ns, "from": {"cell", "port", "loc"}, "to": {...}, "net"?}, ...]}],
//    "utilization": {"ICESTORM_LC": {"used": 120, "available": 5280}, ...}}

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace luthier::implement {

struct ClockFmax {
    std::string clock; // nextpnr's clock net name, e.g. "clk$SB_IO_IN_$glb_clk"
    double achievedMhz = 0, constraintMhz = 0;

    bool met() const { return achievedMhz >= constraintMhz; }
};

struct CriticalPath {
    std::string from, to; // clock edges or "<async>" (a port)
    std::string startCell, endCell;
    double delayNs = 0; // sum of every step: clock-to-q, logic, routing and setup
    double routingNs = 0; // the routing steps alone
    int logicLevels = 0; // "logic" steps
};

struct Usage {
    int64_t used = 0, available = 0;
};

struct NextpnrReport {
    std::vector<ClockFmax> clocks;
    std::vector<CriticalPath> paths;
    std::map<std::string, Usage> bels; // by bel type: ICESTORM_LC, ICESTORM_RAM, ICESTORM_DSP, SB_IO, ...

    Usage bel(const std::string& type) const;
    // The register-to-register path of the slowest clock, else the longest path; nullptr when there is none.
    const CriticalPath* worstPath() const;
};

// Throws luthier::Error naming `source` when the text is not such a report.
NextpnrReport parseNextpnrReport(const std::string& text, const std::string& source);

} // namespace luthier::implement
