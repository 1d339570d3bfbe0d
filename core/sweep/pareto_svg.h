#pragma once
// The sweep's accuracy-vs-LUTs plot as a standalone SVG: every finished point (colour by template), the Pareto
// front joined by a staircase and labelled. Plain text, the same bytes for the same report, so the plot of a
// local run and of a Slurm run are identical too.

#include "sweep_report.h"

#include <string>

namespace luthier::sweep {

std::string paretoSvg(const Report& report);

} // namespace luthier::sweep
