#pragma once
// Placement of a netlist on a device (DESIGN.md section 6). A quick initial placement fills cells in
// layer order along a serpentine path, then simulated annealing moves and swaps units between cells to
// reduce   cost = wirelength / wirelength_0 + congestionWeight * congestion / congestion_0
// (both normalised by the initial placement, so the initial cost is 1 + congestionWeight):
//   wirelength  = sum over nets of wires * half-perimeter of the unit cell centres (in tiles);
//   congestion  = sum over tiles of RUDY^2, where a net adds wires * (W + H) / (W * H) to every tile of its
//                 bounding box (the union of its units' cells, W x H tiles): its wire demand per tile.
// Cells never exceed their LUT/FF/DSP/BRAM capacity and units never leave their constraint region.
// The schedule is VPR's adaptive one (initial temperature from the spread of random move costs, cooling
// factor and move range from the acceptance rate). The best placement seen is returned, so the final
// cost never exceeds the initial one. Deterministic for a seed; reports progress and honours cancel.

#include "device/device.h"
#include "place/constraints.h"
#include "place/netlist.h"
#include "util/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace luthier::place {

struct PlaceOptions {
    uint64_t seed = 1;
    double effort = 1.0; // scales the moves per temperature (1: VPR's N^(4/3))
    double congestionWeight = 0.5;
    int targetCells = 1500; // about how many cells the device is cut into (more: finer, slower)
    bool anneal = true; // false: initial placement only
};

struct PlaceMetrics {
    double wirelength = 0; // wire-weighted half-perimeter, tiles
    double congestion = 0; // sum over tiles of RUDY^2
    double peakWireDemand = 0; // max RUDY over tiles (wires per tile)
    double cost = 0; // normalised, see above
};

struct Placement {
    std::string part;
    int width = 0, height = 0; // the device grid
    uint64_t seed = 0;
    double effort = 0;
    double congestionWeight = 0;
    std::vector<device::TileRect> cells; // the regions units are placed into
    std::vector<int> unitCell; // per netlist unit
    std::vector<device::Resources> unitDemand; // per unit in the device's resources
    double wirelength0 = 1, congestion0 = 1; // normalisers: the initial placement's values
    PlaceMetrics initial, final;
    int64_t moves = 0, accepted = 0;
    int temperatures = 0;
    double seconds = 0;

    const device::TileRect& unitRect(int unit) const { return cells[size_t(unitCell[size_t(unit)])]; }
};

// Throws luthier::Error for infeasible constraints (all of them, with numbers), units that cannot be
// fitted, or an invalid netlist; Cancelled when progress is cancelled.
Placement place(const device::Device& device, const Netlist& netlist, const Constraints& constraints,
    const PlaceOptions& options, Progress& progress);

// The metrics of `placement` recomputed from the unit rectangles alone (independent of the annealer's
// incremental bookkeeping), normalised with the placement's normalisers.
PlaceMetrics evaluate(const Netlist& netlist, const Placement& placement);

// Per layer: the bounding box of its units' cells (an empty layer gets {-1,-1,-1,-1}).
std::vector<device::TileRect> layerBounds(const Netlist& netlist, const Placement& placement);

} // namespace luthier::place
