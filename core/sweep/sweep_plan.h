#pragma once
// A sweep: one model, a few axes (weight bit-widths uniform or per layer, activation bit-widths, templates, K, P)
// and what each point runs (the estimate, the accuracy on a dataset, compile + Yosys on one layer). The
// description is a small JSON file (docs/sweeps.md); planning expands it into independent points, each a list of
// `luthier-cli` command lines with its own output folder, so that any executor (a local pool, a Slurm job array)
// can run any point anywhere the sweep folder is visible.
//
//   DIR/sweep.json                 the description as planned: absolute paths, the luthier-cli to run, the points
//   DIR/data/inputs.npy, labels.npy the first `samples` samples of the dataset (when the sweep evaluates)
//   DIR/points/NN-NAME/            one folder per point: result.json (or failure.json) and the steps' files

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace luthier::sweep {

// One command of a point: luthier-cli's arguments (argv[0] is "luthier-cli", replaced by Plan::cli when run)
// and, when the command prints JSON, the file in the point's folder its standard output goes to.
struct Command {
    std::string step; // "analyze", "compile", "synth"
    std::vector<std::string> argv;
    std::string stdoutFile; // empty: standard output goes to the step's log with standard error
};

// nlohmann::json's destructor may allocate (it flattens nested values onto a std::vector), which
// bugprone-exception-escape counts as a throw from the implicit special members.
struct Point { // NOLINT(bugprone-exception-escape)
    int index = 0;
    std::string name; // "w2-tlmac-k6-p64": unique, the folder name after the index
    nlohmann::json axes; // {"wbits": 2, "template": "tlmac", "lutInputs": 6, "parallel": 64}
    std::vector<Command> commands;
    std::string synthLayer; // the layer `synth` runs on; empty when the sweep does not synthesise

    std::filesystem::path folder(const std::filesystem::path& sweepDir) const;
};

struct Plan { // NOLINT(bugprone-exception-escape): as Point
    std::filesystem::path dir; // absolute
    std::string cli; // absolute path of the luthier-cli every point runs
    nlohmann::json description; // the description with absolute paths, as written to sweep.json
    std::vector<Point> points;
};

// Expands the description in `descriptionFile` (relative paths in it are relative to that file) into DIR:
// sweep.json, the dataset sample and one empty folder per point. `cli` is the luthier-cli the points run (on a
// cluster: a path every node sees). Throws Error naming the key when the description is wrong, and when DIR
// already holds a different sweep (planning the same description again is allowed and keeps the results).
Plan planSweep(const std::filesystem::path& descriptionFile, const std::filesystem::path& dir, const std::string& cli);

// The plan in DIR/sweep.json. Throws Error when DIR holds no sweep.
Plan loadPlan(const std::filesystem::path& dir);

} // namespace luthier::sweep
