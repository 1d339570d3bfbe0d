#pragma once
// `--json FILE|-` of the commands that report results (run, compile, verify, synth, place, export): the same
// results as the printed report, as one JSON object whose "schema" member names the command and the version
// of its layout ("luthier-cli/run/1"; docs/cli.md describes each). The version grows when a member is removed
// or changes meaning, never for an added one. "-" writes it to standard output and moves the report to stderr.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace luthier::cli {

inline constexpr int kJsonSchemaVersion = 1;

// Registers --json on `cmd`, bound to `destination`.
void addJsonOption(CLI::App* cmd, std::string& destination);

// Call first in the callback: with "-", standard output is the JSON's from here on.
void claimJsonStdout(const std::string& destination);

// Adds "schema" and writes `document` (util::dumpJson, indented): atomically to a file, checked to stdout for
// "-", nowhere when `destination` is empty.
void writeJson(const std::string& destination, const std::string& command, nlohmann::json document);

} // namespace luthier::cli
