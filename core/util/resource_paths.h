#pragma once
// Where the read-only resources (device JSON, examples) live, for a build tree and an installed copy alike.
// Lookup order, first match wins:
//   1. the environment variable LUTHIER_RESOURCE_DIR (an explicit choice: an error when it is not a folder);
//   2. next to the executable: <exe>/../share/luthier (Linux/Windows install layout, CPack DEB/TGZ/NSIS) and
//      <exe>/../Resources (macOS bundle Luthier.app/Contents/MacOS -> Contents/Resources);
//   3. the source tree's resources/ folder compiled in as LUTHIER_RESOURCE_DIR (running from a build tree).
// A candidate counts only when it is an existing folder holding devices/ or examples/, so a stray empty
// share/luthier does not hide the source tree.

#include <filesystem>
#include <string_view>
#include <vector>

namespace luthier::util {

// Absolute path of the running executable, or empty when the platform cannot tell.
std::filesystem::path executablePath();

// The candidate folders in lookup order (existing or not), for diagnostics and tests.
std::vector<std::filesystem::path> resourceDirCandidates();

// The first usable candidate. Throws luthier::Error listing every folder it tried when none fits.
std::filesystem::path resourceDir();

// resourceDir() / relative, checked to exist: e.g. resourcePath("devices/xc7z020.json").
// Throws luthier::Error naming the relative path and the resource folder when it is missing.
std::filesystem::path resourcePath(std::string_view relative);

} // namespace luthier::util
