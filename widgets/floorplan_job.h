#pragma once
// The background work behind the floorplan: compile the project's model to hardware (import, overrides,
// integer lowering, TLMAC mapping), build the placement netlist, place it on the project's device under
// the project's constraints, and prepare the floorplan data. A plain function over a copy of the
// project, so it runs on a worker thread (the jobs panel's "Place" job) and honours cancel.

#include "floorplan_data.h"
#include "project/project_file.h"
#include "util/progress.h"

#include <memory>
#include <string>

namespace luthier::widgets {

struct PlacedProject {
    std::shared_ptr<const FloorplanData> floorplan;
    std::string summary; // "TFC_2W2A on xc7z020: 412 units, 8,123 LUT (15.3 %), wirelength 1,234 -> 987"
};

// The device a project targets ("xc7z020" when none is chosen). Throws luthier::Error for unknown parts.
std::shared_ptr<const device::Device> projectDevice(const project::Project& project);

// Throws luthier::Error (unsupported model, infeasible constraints, ...) or Cancelled.
PlacedProject placeProject(const project::Project& project, Progress& progress);

// Places an already built netlist (synthetic designs for demonstrations and tests).
PlacedProject placeNetlist(std::shared_ptr<const device::Device> device, place::Netlist netlist,
    const project::Constraints& constraints, Progress& progress, double effort = 1.0);

} // namespace luthier::widgets
