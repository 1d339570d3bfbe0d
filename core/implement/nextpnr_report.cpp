#include "implement/nextpnr_report.h"

#include "util/error.h"

#include <nlohmann/json.hpp>

namespace luthier::implement {

Usage NextpnrReport::bel(const std::string& type) const
{
    const auto it = bels.find(type);
    return it == bels.end() ? Usage {} : it->second;
}

const CriticalPath* NextpnrReport::worstPath() const
{
    const CriticalPath* worst = nullptr;
    for (const CriticalPath& p : paths) {
        const bool registered = p.from != "<async>" && p.to != "<async>";
        const bool worstRegistered = worst && worst->from != "<async>" && worst->to != "<async>";
        if (!worst || (registered && !worstRegistered) || (registered == worstRegistered && p.delayNs > worst->delayNs))
            worst = &p;
    }
    return worst;
}

NextpnrReport parseNextpnrReport(const std::string& text, const std::string& source)
{
    NextpnrReport report;
    try {
        const nlohmann::json doc = nlohmann::json::parse(text);
        if (!doc.is_object() || !doc.contains("utilization"))
            throw Error(source + ": not a nextpnr --report file (no \"utilization\")");
        const nlohmann::json fmax = doc.value("fmax", nlohmann::json::object());
        const nlohmann::json paths = doc.value("critical_paths", nlohmann::json::array());
        for (const auto& [clock, f] : fmax.items())
            report.clocks.push_back({ clock, f.at("achieved").get<double>(), f.at("constraint").get<double>() });
        for (const auto& p : paths) {
            CriticalPath path;
            path.from = p.at("from").get<std::string>();
            path.to = p.at("to").get<std::string>();
            const auto& steps = p.at("path");
            for (const auto& step : steps) {
                const double delay = step.at("delay").get<double>();
                path.delayNs += delay;
                const std::string type = step.at("type").get<std::string>();
                if (type == "routing") path.routingNs += delay;
                if (type == "logic") ++path.logicLevels;
            }
            if (!steps.empty()) {
                path.startCell = steps.front().at("from").value("cell", "");
                path.endCell = steps.back().at("to").value("cell", "");
            }
            report.paths.push_back(path);
        }
        for (const auto& [type, u] : doc.at("utilization").items())
            report.bels[type] = { u.at("used").get<int64_t>(), u.at("available").get<int64_t>() };
    } catch (const nlohmann::json::exception& e) {
        throw Error(source + ": unexpected nextpnr report: " + e.what());
    }
    return report;
}

} // namespace luthier::implement
