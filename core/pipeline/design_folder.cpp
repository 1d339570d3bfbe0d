#include "pipeline/design_folder.h"

#include "place/netlist_io.h"
#include "rtl/verilog_emitter.h"

namespace luthier::pipeline {

WrittenDesign writeDesignFolder(Pipeline& build, const std::filesystem::path& dir, int64_t maxVectors, Progress& progress)
{
    WrittenDesign written;
    written.design = build.design(progress);
    const auto netlist = build.netlist(progress);
    const std::optional<rtl::TestVectors> vectors = build.vectors(maxVectors, progress);
    const std::vector<rtl::EmittedFile> files = rtl::emitDesign(*written.design);
    progress.checkpoint();

    rtl::writeFiles(dir, files);
    // The exact connectivity for `luthier-cli place` (docs/placement.md).
    place::writeNetlist(dir / place::kNetlistFile, *netlist);
    if (vectors) {
        rtl::writeVectors(dir / rtl::kVectorsFile, *vectors);
        written.vectors = vectors->count();
    }
    return written;
}

} // namespace luthier::pipeline
