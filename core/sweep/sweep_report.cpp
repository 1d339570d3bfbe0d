#include "sweep_report.h"

#include "point_run.h"

#include <algorithm>
#include <cstdio>

namespace luthier::sweep {

using nlohmann::json;

namespace {

template <typename T> std::optional<T> field(const json& j, const char* object, const char* key)
{
    if (!j.contains(object) || !j.at(object).contains(key)) return std::nullopt;
    return j.at(object).at(key).get<T>();
}

// On the front of accuracy against `cost`: no other row dominates it.
template <typename Cost> void markFront(std::vector<ReportRow>& rows, Cost cost, bool ReportRow::*flag)
{
    for (ReportRow& r : rows) {
        if (!r.intAccuracy || !cost(r)) continue;
        r.*flag = std::none_of(rows.begin(), rows.end(), [&](const ReportRow& o) {
            if (&o == &r || !o.intAccuracy || !cost(o)) return false;
            const bool noWorse = *o.intAccuracy >= *r.intAccuracy && *cost(o) <= *cost(r);
            return noWorse && (*o.intAccuracy > *r.intAccuracy || *cost(o) < *cost(r));
        });
    }
}

std::string axisText(const json& v)
{
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object()) {
        std::string s;
        for (const auto& [layer, bits] : v.items())
            s += (s.empty() ? "" : ",") + layer + "=" + bits.dump();
        return s;
    }
    return v.dump();
}

std::string format(const char* f, auto... args)
{
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, f, args...);
    return buffer;
}

} // namespace

void markFronts(std::vector<ReportRow>& rows)
{
    markFront(
        rows, [](const ReportRow& r) { return r.lut; }, &ReportRow::frontLut);
    markFront(
        rows, [](const ReportRow& r) { return r.cycles; }, &ReportRow::frontLatency);
}

Report buildReport(const Plan& plan)
{
    Report report;
    report.model = std::filesystem::path(plan.description.at("model").get<std::string>()).filename().string();
    for (const Point& p : plan.points) {
        ReportRow row;
        row.index = p.index;
        row.name = p.name;
        row.axes = p.axes;
        if (const auto r = pointResult(plan, p)) {
            row.state = "finished";
            ++report.finished;
            row.lut = field<int64_t>(*r, "estimate", "lut");
            row.ff = field<int64_t>(*r, "estimate", "ff");
            row.cycles = field<int64_t>(*r, "estimate", "cycles");
            row.intAccuracy = field<double>(*r, "accuracy", "intAccuracy");
            row.floatAccuracy = field<double>(*r, "accuracy", "floatAccuracy");
            row.samples = field<int64_t>(*r, "accuracy", "samples");
            if (r->contains("synth")) row.synth = r->at("synth");
        } else if (const auto f = pointFailure(plan, p)) {
            row.state = "failed";
            ++report.failed;
            row.failure = f->value("reason", "");
        } else {
            row.state = "unfinished";
            ++report.unfinished;
        }
        report.rows.push_back(std::move(row));
    }
    markFronts(report.rows);
    return report;
}

json toJson(const Report& report)
{
    json rows = json::array();
    for (const ReportRow& r : report.rows) {
        json j = { { "index", r.index }, { "point", r.name }, { "state", r.state }, { "axes", r.axes } };
        if (!r.failure.empty()) j["failure"] = r.failure;
        if (r.lut) j["estimate"] = { { "lut", *r.lut }, { "ff", *r.ff }, { "cycles", *r.cycles } };
        if (r.intAccuracy)
            j["accuracy"] = { { "samples", *r.samples }, { "intAccuracy", *r.intAccuracy },
                { "floatAccuracy", *r.floatAccuracy } };
        if (r.synth) j["synth"] = *r.synth;
        j["front"] = { { "lut", r.frontLut }, { "latency", r.frontLatency } };
        rows.push_back(j);
    }
    return { { "model", report.model }, { "points", report.rows.size() }, { "finished", report.finished },
        { "failed", report.failed }, { "unfinished", report.unfinished }, { "rows", rows } };
}

std::string toText(const Report& report)
{
    std::string s = format("%s: %zu points, %d finished, %d failed, %d unfinished\n", report.model.c_str(),
        report.rows.size(), report.finished, report.failed, report.unfinished);
    s += "front: L = accuracy vs LUTs, C = accuracy vs cycles; LUT, FF and cycles are the compiler's estimate of the "
         "whole model, synth the Yosys LUTs of one layer (estimate in brackets)\n";
    s += format("%-2s %-3s %-26s %-10s %-12s %9s %9s %8s %8s %8s  %s\n", "", "#", "point", "wbits", "template", "LUT",
        "FF", "cycles", "int acc", "flt acc", "synth LUT");
    for (const ReportRow& r : report.rows) {
        const std::string front = std::string(r.frontLut ? "L" : "") + (r.frontLatency ? "C" : "");
        const std::string wbits = r.axes.contains("wbits") ? axisText(r.axes.at("wbits")) : "model";
        const std::string tmpl = axisText(r.axes.at("template"));
        s += format("%-2s %-3d %-26.26s %-10.10s %-12.12s ", front.c_str(), r.index, r.name.c_str(), wbits.c_str(),
            tmpl.c_str());
        if (r.state != "finished") {
            s += r.state == "failed" ? "failed: " + r.failure + "\n" : std::string("unfinished\n");
            continue;
        }
        const auto number = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
        const auto percent
            = [](const std::optional<double>& v) { return v ? format("%.2f%%", 100 * *v) : std::string("-"); };
        s += format("%9s %9s %8s %8s %8s", number(r.lut).c_str(), number(r.ff).c_str(), number(r.cycles).c_str(),
            percent(r.intAccuracy).c_str(), percent(r.floatAccuracy).c_str());
        if (r.synth)
            s += format("  %lld (%lld) %s", (long long)r.synth->at("lut").get<int64_t>(),
                (long long)r.synth->at("estimateLut").get<int64_t>(), r.synth->at("layer").get<std::string>().c_str());
        s += "\n";
    }
    return s;
}

} // namespace luthier::sweep
