// libFuzzer target: the .luthier project loader (core/project/project_file.h). A document that loads must
// also survive what the workbench does next: save it and load the saved text again.

#include "project/project_file.h"
#include "util/error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    luthier::project::Project project;
    try {
        project = luthier::project::parseProject(text, "/fuzz/projects", "fuzz.luthier");
    } catch (const luthier::Error&) {
        return 0;
    }
    const std::string saved = luthier::project::serialiseProject(project, "/fuzz/projects");
    try {
        luthier::project::parseProject(saved, "/fuzz/projects", "saved.luthier");
    } catch (const luthier::Error& e) {
        std::fprintf(stderr, "a loaded project does not load again after saving: %s\n", e.what());
        std::abort();
    }
    return 0;
}
