#include "util/resource_paths.h"

#include "util/error.h"

#include <cstdlib>
#include <string>
#include <system_error>

#if defined(_WIN32)
#include <windows.h>
#elif defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

namespace luthier::util {

namespace fs = std::filesystem;

namespace {

const char* kEnvVar = "LUTHIER_RESOURCE_DIR";

bool isResourceDir(const fs::path& dir)
{
    std::error_code ec;
    return fs::is_directory(dir / "devices", ec) || fs::is_directory(dir / "examples", ec);
}

fs::path environmentDir()
{
    const char* value = std::getenv(kEnvVar);
    return (value && *value) ? fs::path(value) : fs::path();
}

} // namespace

fs::path executablePath()
{
    std::error_code ec;
#if defined(_WIN32)
    std::wstring buffer(32768, L'\0');
    const DWORD length = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (length == 0 || length >= buffer.size()) return {};
    buffer.resize(length);
    return fs::path(buffer);
#elif defined(__APPLE__)
    uint32_t size = 0;
    _NSGetExecutablePath(nullptr, &size);
    std::string buffer(size, '\0');
    if (_NSGetExecutablePath(buffer.data(), &size) != 0) return {};
    fs::path path = fs::weakly_canonical(fs::path(buffer.c_str()), ec);
    return ec ? fs::path() : path;
#else
    fs::path path = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : path;
#endif
}

std::vector<fs::path> resourceDirCandidates()
{
    std::vector<fs::path> candidates;
    if (fs::path env = environmentDir(); !env.empty()) candidates.push_back(env);
    if (fs::path exe = executablePath(); !exe.empty()) {
        const fs::path exeDir = exe.parent_path();
        candidates.push_back((exeDir / ".." / "share" / "luthier").lexically_normal());
        candidates.push_back((exeDir / ".." / "Resources").lexically_normal());
    }
#ifdef LUTHIER_RESOURCE_DIR
    candidates.push_back(fs::path(LUTHIER_RESOURCE_DIR));
#endif
    return candidates;
}

fs::path resourceDir()
{
    // An explicitly set variable that points nowhere is a mistake the user should hear about, not a
    // reason to fall back silently to some other copy of the resources.
    if (fs::path env = environmentDir(); !env.empty()) {
        std::error_code ec;
        if (!fs::is_directory(env, ec))
            throw Error(std::string(kEnvVar) + " is set to '" + env.string() + "', which is not a folder");
        return env;
    }
    std::string tried;
    for (const fs::path& candidate : resourceDirCandidates()) {
        if (isResourceDir(candidate)) return candidate;
        tried += "\n  " + candidate.string();
    }
    throw Error("cannot find Luthier's resource folder (devices/, examples/); tried:" + tried + "\nset " + kEnvVar
        + " to the folder that holds them");
}

fs::path resourcePath(std::string_view relative)
{
    const fs::path dir = resourceDir();
    fs::path path = dir / fs::path(relative);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error("resource '" + std::string(relative) + "' not found in " + dir.string());
    return path;
}

} // namespace luthier::util
