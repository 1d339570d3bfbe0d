#pragma once
// Making untrusted text safe in generated Tcl and XDC (which Vivado reads with its Tcl interpreter):
// file names, model names and paths may hold spaces, quotes, brackets, dollar signs or braces.

#include <string>
#include <string_view>

namespace luthier::exporter {

// One Tcl word that evaluates to exactly `text`: plain words stay as they are, text without braces,
// backslashes or control characters goes between braces ({in_data[*]}), anything else is
// backslash-escaped character by character (no substitution can happen, braces need not balance;
// control characters become \uXXXX). The empty string becomes {}.
std::string tclWord(std::string_view text);

// Text for a `#` comment line: newlines and other control characters become spaces, so the comment
// cannot end early and start a command.
std::string commentText(std::string_view text);

// [A-Za-z_][A-Za-z0-9_]*: what the compiler emits for modules, instances and ports.
bool isVerilogIdentifier(std::string_view name);

// A name for folders, projects and pblocks: characters outside [A-Za-z0-9_] become '_', a leading
// digit gets a '_' prefix, and the empty string becomes `fallback`.
std::string sanitiseName(std::string_view text, std::string_view fallback);

} // namespace luthier::exporter
