#include "implement/ice40_parts.h"

#include "util/error.h"

#include <algorithm>
#include <cctype>

namespace luthier::implement {

namespace {

const std::vector<Ice40Part>& parts()
{
    static const std::vector<Ice40Part> all {
        { "ice40up5k", "--up5k", "sg48", "up5k", 5280, 30, 8, 39 },
        { "ice40hx8k", "--hx8k", "ct256", "hx8k", 7680, 32, 0, 206 },
    };
    return all;
}

} // namespace

const Ice40Part& ice40Part(std::string_view name)
{
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    for (const Ice40Part& part : parts())
        if (lower == part.name || "ice40" + lower == part.name) return part;
    std::string known;
    for (const Ice40Part& part : parts())
        known += (known.empty() ? "" : ", ") + part.name;
    throw Error("--part: '" + std::string(name) + "' is not an iCE40 part implement knows (" + known + ")");
}

std::vector<std::string> ice40PartNames()
{
    std::vector<std::string> names;
    for (const Ice40Part& part : parts())
        names.push_back(part.name);
    return names;
}

} // namespace luthier::implement
