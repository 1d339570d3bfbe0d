#pragma once
// What the Vivado exporter reads from a compiled design folder (`luthier-cli compile MODEL -o DIR`):
// the subset of DIR/manifest.json that a project needs. Names here are checked, not trusted: the
// exporter quotes everything it writes into Tcl, and rejects module/port/instance names that are not
// plain Verilog identifiers (they would not match the RTL either).
//
// manifest.json keys read (others are ignored):
//   "top": "jet_top"                       top module name
//   "clock": "clk", "reset": "rst"         clock port (required) and reset port (optional)
//   "model": "qkeras_jettagging"           model name, free text (optional)
//   "part": "xcvu13p", "clockNs": 5.0      defaults for --part / --clock-ns (optional)
//   "ports": [{"name", "direction": "input"|"output", "width"}]
//   "files": ["top.v", "layer0.v", "layer0_rom.mem", ...]   RTL and ROM files, relative to DIR
//   "layers": [{"name", "module", "instance", "template", "resources": {"lut","ff","dsp","bram"}}]

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace luthier::exporter {

struct Resources {
    double lut = 0, ff = 0, dsp = 0, bram = 0; // bram in 36 Kb blocks (a RAMB18 counts one half)
};

struct PortInfo {
    std::string name;
    bool isInput = true;
    int width = 1;
};

struct LayerInfo {
    std::string name; // raw model layer name (untrusted text)
    std::string module; // Verilog module of the layer
    std::string instance; // instance name of that module inside the top
    std::string templateName; // "tlmac", ...
    Resources estimate;
};

struct DesignManifest {
    std::filesystem::path dir; // the design folder the manifest was read from
    std::string top;
    std::string clock;
    std::string reset; // empty: none
    std::string model;
    std::string part; // empty: not given
    std::optional<double> clockNs;
    std::vector<PortInfo> ports;
    std::vector<std::filesystem::path> files; // relative to dir
    std::vector<LayerInfo> layers;
};

inline constexpr const char* kManifestFile = "manifest.json";

// Reads and checks DIR/manifest.json: every listed file exists inside DIR, the clock is one of the
// input ports, names are Verilog identifiers. Throws luthier::Error naming the file and key.
DesignManifest loadDesignManifest(const std::filesystem::path& dir);

} // namespace luthier::exporter
