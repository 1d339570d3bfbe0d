#include "pipeline/options.h"

namespace luthier::pipeline {

Options fromProject(const project::Project& project)
{
    Options o;
    o.modelPath = project.modelPath;
    o.overrides = project.overrides;
    o.lowering = project.compiler.lowering();
    o.lutInputs = project.compiler.lutInputs;
    o.parallelism = project.compiler.parallelism;
    o.effort = project.compiler.annealingEffort;
    o.datasetInputs = project.dataset.inputs;
    o.datasetLabels = project.dataset.labels;
    o.devicePart = project.devicePart;
    o.constraints = project.constraints;
    return o;
}

} // namespace luthier::pipeline
