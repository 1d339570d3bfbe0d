#pragma once
// The .luthier project file (DESIGN.md section 2): a JSON document that names the model and holds every
// user decision about it. Shared by the workbench and `luthier-cli --project`.
//
// Paths are stored relative to the project file and held absolute in memory, so a project can be saved
// under a new name in another folder and its model and dataset are still found. Keys this build does not
// know survive a load/save round trip (the document a project was loaded from is kept and updated in
// place), so a file written by a newer minor tool or edited by hand loses nothing.

#include "quant/lower.h"
#include "quant/overrides.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace luthier::project {

inline constexpr int kFormatVersion = 1; // bump with a migration in project_file.cpp when the layout changes
inline constexpr const char* kFileSuffix = ".luthier";

// A rectangle of device tiles, inclusive on both ends (column = x, row = y), as the floorplan draws it.
struct TileRect {
    int col0 = 0, row0 = 0, col1 = 0, row1 = 0;
    bool operator==(const TileRect&) const = default;
};

struct Constraints {
    std::map<std::string, TileRect> pblocks; // per layer (ir::Layer::name): where its units may go
    std::map<std::string, int> slr; // per layer: super logic region assignment
    std::vector<TileRect> keepOut; // regions no unit may use
    bool operator==(const Constraints&) const = default;
};

struct CompilerOptions {
    int lutInputs = 6; // K: 6 on Xilinx 7-series / UltraScale, 4 on iCE40 / ECP5
    int parallelism = 64; // P: outputs computed in parallel per TLMAC step
    double annealingEffort = 1.0; // scales the number of routing annealing moves (1 = the default 10^5+)
    double clockMhz = 200.0;
    // The fixed-point quantiser inserted on a float model input (quant::LowerOptions; --input-bits/--input-frac).
    int inputBits = 16, inputFractionBits = 10;
    bool operator==(const CompilerOptions&) const = default;

    // How the project's model is lowered to integers: the input quantiser above, everything else the default.
    quant::LowerOptions lowering() const
    {
        quant::LowerOptions o;
        o.inputBits = inputBits;
        o.inputFractionBits = inputFractionBits;
        return o;
    }
};

struct DatasetPaths {
    std::string inputs; // absolute in memory; empty when no dataset is attached
    std::string labels;
    bool attached() const { return !inputs.empty() && !labels.empty(); }
    bool operator==(const DatasetPaths&) const = default;
};

struct Project {
    std::string modelPath; // absolute in memory; empty for a new project without a model
    quant::Overrides overrides;
    std::string devicePart; // e.g. "xc7z020"; empty: not chosen yet
    Constraints constraints;
    CompilerOptions compiler;
    DatasetPaths dataset;
    // The document this project was loaded from. Saving updates the known keys inside it, so unknown keys
    // (anywhere: top level, inside "compiler", inside one layer's override) are written back unchanged.
    nlohmann::json document = nlohmann::json::object();
};

// Parse a project document. `baseDir` resolves relative paths; `label` names the source in errors.
// Throws luthier::Error for invalid JSON, a file that is not a Luthier project, a newer format version,
// or a value of the wrong type or range (the message names the key, e.g. "overrides.fc1.weightBits").
Project parseProject(const std::string& text, const std::string& baseDir, const std::string& label);

// The document to write for `project` saved in folder `baseDir` (paths made relative to it), indented.
std::string serialiseProject(const Project& project, const std::string& baseDir);

// Read a .luthier file (errors name the file).
Project loadProject(const std::string& path);

// Write atomically: a temporary file next to `path`, flushed, then renamed over it. A failure leaves any
// existing file untouched and throws luthier::Error.
void saveProject(const Project& project, const std::string& path);

} // namespace luthier::project
