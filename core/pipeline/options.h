#pragma once
// Everything that decides what Luthier builds from a model, in one struct: what a .luthier project holds
// (model, overrides, compiler options, dataset, part, constraints) plus the knobs of a compile run. The CLI
// fills it from a project and its flags, the workbench from its document; both then hand it to a Pipeline, so
// a design built from the command line and one built in the GUI cannot differ.

#include "ir/template_kind.h"
#include "project/project_file.h"
#include "quant/lower.h"
#include "quant/overrides.h"

#include <cstdint>
#include <string>

namespace luthier::pipeline {

struct Options {
    std::string modelPath;
    quant::Overrides overrides; // the user's, as written (per layer or '*'); expanded by the pipeline
    // The input quantiser inserted on a float model input, and post-training weight bits for float weights.
    quant::LowerOptions lowering;
    // Post-training activation bits for float hidden activations, calibrated on datasetInputs (0: none). The
    // statistics also assume them for activations that stay float.
    int ptqActivationBits = 0;
    ir::TemplateKind defaultTemplate = ir::TemplateKind::Tlmac; // a per-layer "template" override wins
    // Template auto instead of defaultTemplate: per layer the cheapest template whose datapath takes a new input
    // every initiationInterval cycles (0: any) by the cost models (arch/template_choice.h).
    bool chooseTemplate = false;
    int64_t initiationInterval = 0;
    int lutInputs = 6; // K
    // G of every layer (a per-layer "group" override wins); 0: the default, kernel width for convs 2..K wide in
    // the statistics and 3 elsewhere.
    int groupSize = 0;
    int parallelism = 64; // P: TLMAC parallel outputs, and the lanes of the folded MAC templates
    double effort = 1.0; // TLMAC annealing effort
    uint64_t seed = 1; // clustering and annealing
    int pipelineEvery = 2; // adder-tree levels between pipeline registers (unrolled, LUT-Dense, LUT-NA)
    int lutNaChunk = 0; // LUT-NA chunk bits; 0: the cheapest per layer
    int adderDepth = 0; // adder-graph: most adders from an input to an output; 0: no bound
    bool argmax = false; // append the argmax block
    std::string datasetInputs, datasetLabels; // test vectors, calibration and accuracy; may be empty
    std::string devicePart; // placement target; empty: the default part
    project::Constraints constraints;
};

// The options a project file gives: its model, overrides, compiler options, dataset, part and constraints.
Options fromProject(const project::Project& project);

} // namespace luthier::pipeline
