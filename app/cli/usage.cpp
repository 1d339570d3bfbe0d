#include "usage.h"

#include <algorithm>
#include <iostream>
#include <vector>

namespace luthier::cli {

namespace {

size_t editDistance(const std::string& a, const std::string& b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({ row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::vector<std::string> commandNames(const CLI::App& app)
{
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(sub->get_name());
    return names;
}

std::string commandList(const CLI::App& app)
{
    std::string list;
    for (const std::string& name : commandNames(app))
        list += (list.empty() ? "" : ", ") + name;
    return list;
}

// The deepest command the parse reached (`sweep plan` for `luthier-cli sweep plan --bogus`).
CLI::App* reachedCommand(CLI::App& app)
{
    CLI::App* at = &app;
    for (;;) {
        const auto chosen = at->get_subcommands();
        if (chosen.empty()) return at;
        at = chosen.front();
    }
}

std::string commandPath(const CLI::App* command)
{
    std::string path;
    for (; command; command = command->get_parent())
        path = command->get_name() + (path.empty() ? "" : " ") + path;
    return path;
}

} // namespace

std::optional<std::string> unknownCommand(const CLI::App& app, int argc, const char* const* argv)
{
    const std::vector<std::string> names = commandNames(app);
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (!word.empty() && word[0] == '-') continue; // the root takes flags only, so this is not a value
        if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
        std::string message = "unknown command '" + word + "'";
        size_t best = word.size() / 3 + 2; // farther than this is no longer a typo
        std::string nearest;
        for (const std::string& name : names)
            if (const size_t d = editDistance(word, name); d < best) best = d, nearest = name;
        if (!nearest.empty()) message += "; did you mean '" + nearest + "'?";
        return message + "\ncommands: " + commandList(app);
    }
    return std::nullopt;
}

int usageError(CLI::App& app, const CLI::ParseError& error)
{
    if (error.get_exit_code() == int(CLI::ExitCodes::Success)) return app.exit(error); // --help, --version
    CLI::App* command = reachedCommand(app);
    std::string what = error.what();
    // CLI11 checks required arguments before it complains about unknown ones, so `run --bogus` would read
    // "model is required": name the stray argument, which is the real mistake.
    // With fallthrough an option the command does not know is left over on the root.
    bool named = false;
    for (const CLI::App* at = command; at && !named; at = at->get_parent())
        for (const std::string& stray : at->remaining()) {
            what = (stray.size() > 1 && stray[0] == '-' ? "unknown option '" : "unexpected argument '") + stray + "'";
            named = true;
            break;
        }
    if (command == &app && error.get_name() == "RequiredError")
        what = "a command is required: one of " + commandList(app);
    else if (command != &app && !command->get_subcommands([](const CLI::App*) { return true; }).empty()
        && command->get_subcommands().empty() && error.get_name() == "RequiredError")
        what = commandPath(command) + " needs a subcommand: one of " + commandList(*command);
    std::cerr << "luthier-cli: error: " << what << "\nRun '" << commandPath(command) << " --help' for usage.\n";
    return kUsageExit;
}

} // namespace luthier::cli
