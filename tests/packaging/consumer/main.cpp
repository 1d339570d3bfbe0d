// A program outside the Luthier tree that links the installed library (tests/packaging/test_consumer.sh): imports
// MODEL through the pipeline, runs the integer golden model on INPUTS and writes the output integers to OUT.npy,
// which must equal `luthier-cli run MODEL --inputs INPUTS --out-ints OUT.npy`.

#include "pipeline/pipeline.h"
#include "sim/int_executor.h"
#include "sim/npy.h"
#include "util/error.h"

#include <cstdio>

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: consumer MODEL INPUTS OUT.npy\n");
        return 2;
    }
    try {
        luthier::pipeline::Options options;
        options.modelPath = argv[1];
        options.datasetInputs = argv[2];
        luthier::pipeline::Pipeline build(options);
        luthier::Progress none;
        const luthier::sim::RunResult result
            = luthier::sim::runInteger(*build.ints(none), *build.inputs(none), luthier::sim::RunOptions {});
        const luthier::sim::OutputTensor& out = result.outputs.at(0);
        std::vector<int64_t> shape { result.count };
        shape.insert(shape.end(), out.shape.begin(), out.shape.end());
        luthier::sim::writeNpy(argv[3], shape, out.ints);
        std::printf("%s: %zu layers, %lld samples\n", build.imported(none)->name.c_str(),
            build.imported(none)->layers.size(), static_cast<long long>(result.count));
    } catch (const luthier::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    return 0;
}
