#include "json_output.h"

#include "console.h"
#include "util/atomic_file.h"
#include "util/json_file.h"

namespace luthier::cli {

void addJsonOption(CLI::App* cmd, std::string& destination)
{
    cmd->add_option("--json", destination, "Also write the results as JSON to FILE ('-': standard output)")
        ->type_name("FILE|-");
}

void claimJsonStdout(const std::string& destination)
{
    if (destination == "-") reserveStdoutForData();
}

void writeJson(const std::string& destination, const std::string& command, nlohmann::json document)
{
    if (destination.empty()) return;
    nlohmann::json out = { { "schema", "luthier-cli/" + command + "/" + std::to_string(kJsonSchemaVersion) } };
    out.update(document);
    const std::string text = util::dumpJson(out, 2) + "\n";
    if (destination == "-")
        util::writeStdout(text);
    else
        util::writeFileAtomic(destination, text);
}

} // namespace luthier::cli
