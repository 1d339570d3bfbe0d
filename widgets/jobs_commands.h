#pragma once
// The workbench's jobs, each built from a snapshot of the project: luthier-cli commands as child processes
// (compile, verify, synth, explore, export) with summaries parsed from their output, and placement on a
// worker thread (its result feeds the floorplan).

#include "floorplan_job.h"
#include "jobs_runner.h"
#include "project/project_file.h"

#include <QString>
#include <functional>

namespace luthier::widgets {

// The key of a project snapshot: a hash of everything saved in the project file.
QString projectKey(const project::Project& project);

// luthier-cli beside the running executable, in $LUTHIER_CLI, or on PATH; empty when none is found.
QString cliProgram();

// `designDir`: the folder compile writes and verify/synth/export read. Compile first writes the project snapshot
// it compiles beside it (DIR.luthier; throws luthier::Error when it cannot).
Job* makeCompileJob(const project::Project& project, const QString& designDir);
Job* makeVerifyJob(const project::Project& project, const QString& designDir);
Job* makeSynthJob(const project::Project& project, const QString& designDir);
// Bit-width sweep of weights (1..8 bits) on the project's dataset; needs an attached dataset.
Job* makeExploreJob(const project::Project& project, const QString& weightBits = QStringLiteral("1..8"));
// Writes the snapshot's constraints next to the export (constraints.json) and passes them with the part.
Job* makeExportJob(const project::Project& project, const QString& designDir, const QString& vivadoDir);
// Places and routes the design on the project's iCE40 part (implement: synth_ice40, nextpnr-ice40, icepack).
Job* makeImplementJob(const project::Project& project, const QString& designDir);
// `placed` receives the result on the GUI thread.
Job* makePlaceJob(const project::Project& project, std::function<void(const PlacedProject&)> placed);

// Summaries of luthier-cli output (exposed for tests).
QString verifySummary(const QString& output, int exitCode, JobState& state); // "verified 2000/2000 vectors bit-exact"
QString synthSummary(const QString& output, int exitCode, JobState& state); // "Yosys: 5,432 LUT vs 5,120 estimated"
// "ice40up5k: 83 logic cells of 5,280, routed Fmax 66.71 MHz"
QString implementSummary(const QString& output, int exitCode, JobState& state);
QString exploreSummary(const QString& output, int exitCode, JobState& state);

} // namespace luthier::widgets
