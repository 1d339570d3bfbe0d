#pragma once
// The report of a sweep: every point's numbers from its record, and the Pareto fronts of accuracy against the
// estimated LUTs and against latency (cycles). Built from the records alone, with nothing about where or when the
// points ran (no times, hosts or folders), so a sweep run locally and one run on Slurm give the same report.

#include "sweep_plan.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace luthier::sweep {

struct ReportRow { // NOLINT(bugprone-exception-escape): as sweep::Point (its json member)
    int index = 0;
    std::string name, state; // state: "finished", "failed", "unfinished"
    nlohmann::json axes;
    std::string failure; // why, when failed
    // Finished points: what their steps measured (absent when the sweep did not run that step).
    std::optional<int64_t> lut, ff, cycles;
    std::optional<double> intAccuracy, floatAccuracy;
    std::optional<int64_t> samples;
    std::optional<nlohmann::json> synth; // {"layer", "lut", "ff", "carry", "estimateLut", ...}
    bool frontLut = false, frontLatency = false;
};

struct Report {
    std::string model; // the model's file name
    std::vector<ReportRow> rows;
    int finished = 0, failed = 0, unfinished = 0;
};

Report buildReport(const Plan& plan);

// Pareto-optimal rows: no other finished row with at least the accuracy at no more cost, better in one of them.
// Rows without an accuracy or a cost are on no front.
void markFronts(std::vector<ReportRow>& rows);

nlohmann::json toJson(const Report& report);
std::string toText(const Report& report);

} // namespace luthier::sweep
