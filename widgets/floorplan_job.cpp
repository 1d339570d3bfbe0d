#include "floorplan_job.h"

#include "device/device_loader.h"
#include "floorplan_pblocks.h"
#include "pipeline/pipeline.h"
#include "util/error.h"
#include "util/slice_progress.h"

#include <cstdio>

namespace luthier::widgets {

std::shared_ptr<const device::Device> projectDevice(const project::Project& project)
{
    return std::make_shared<const device::Device>(
        device::findDevice(project.devicePart.empty() ? "xc7z020" : project.devicePart));
}

PlacedProject placeNetlist(std::shared_ptr<const device::Device> device, place::Netlist netlist,
    const project::Constraints& constraints, Progress& progress, double effort)
{
    auto shared = std::make_shared<const place::Netlist>(std::move(netlist));
    place::PlaceOptions options;
    options.effort = effort;
    SliceProgress placing(progress, 0.3, 0.95);
    auto placement = std::make_shared<const place::Placement>(
        place::place(*device, *shared, pipeline::placeConstraints(constraints), options, placing));
    progress.checkpoint();
    progress.report(0.96, "heatmaps");
    PlacedProject result;
    const device::Resources total = shared->total();
    const int64_t deviceLuts = device->totals().luts;
    char text[256];
    std::snprintf(text, sizeof text, "%zu units, %s LUT (%.1f %% of %s), wirelength %.0f -> %.0f tiles, %.1f s",
        shared->units.size(), device::withThousands(total.luts).c_str(),
        deviceLuts ? 100.0 * double(total.luts) / double(deviceLuts) : 0.0, device->part().c_str(),
        placement->initial.wirelength, placement->final.wirelength, placement->seconds);
    result.summary = text;
    result.floorplan = buildFloorplanData(std::move(device), std::move(shared), std::move(placement));
    progress.report(1.0, "placed");
    return result;
}

PlacedProject placeProject(const project::Project& project, Progress& progress)
{
    if (project.modelPath.empty()) throw Error("the project has no model to place");
    pipeline::Pipeline build(pipeline::fromProject(project));
    SliceProgress mapping(progress, 0.0, 0.3);
    PlacedProject result = placeNetlist(projectDevice(project), *build.netlist(mapping), project.constraints, progress);
    result.summary = build.graph(mapping)->name + ": " + result.summary;
    return result;
}

} // namespace luthier::widgets
