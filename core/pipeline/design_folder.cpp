#include "pipeline/design_folder.h"

#include "place/netlist_io.h"
#include "rtl/stream/emit_stream.h"
#include "rtl/verilog_emitter.h"
#include "util/staged_folder.h"

namespace luthier::pipeline {

WrittenDesign writeDesignFolder(
    Pipeline& build, const std::filesystem::path& dir, int64_t maxVectors, Progress& progress)
{
    util::StagedFolder folder(dir); // checked and locked before any work; written aside, swapped in whole
    WrittenDesign written;
    written.design = build.design(progress);
    const auto netlist = build.netlist(progress);
    const std::optional<rtl::TestVectors> vectors = build.vectors(maxVectors, progress);
    // Feature maps beyond the whole-vector ports stream (rtl/stream); everything else is emitted as before.
    const auto stream = build.streamPlan(progress);
    const std::vector<rtl::EmittedFile> files
        = stream ? rtl::stream::emitStreamDesign(*written.design, *stream) : rtl::emitDesign(*written.design);
    progress.checkpoint();

    rtl::writeFiles(folder.path(), files);
    // The exact connectivity for `luthier-cli place` (docs/placement.md).
    place::writeNetlist(folder.path() / place::kNetlistFile, *netlist);
    if (vectors) {
        rtl::writeVectors(folder.path() / rtl::kVectorsFile, *vectors);
        written.vectors = vectors->count();
    }
    folder.commit();
    return written;
}

} // namespace luthier::pipeline
