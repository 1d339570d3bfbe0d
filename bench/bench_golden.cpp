// Integer golden model throughput (samples/s) on TFC_2W2A and qkeras_jettagging over their reference
// inputs, on one thread and on all threads. When ONNX Runtime (npm onnxruntime-node) is installed, the
// same models (rewritten into standard ONNX by ../shared/tools/qonnx_to_std.py) and inputs are timed
// with it on one thread in the same run, and the ratio is printed. Goal: ratio >= 1 on one core.
//
// ONNX Runtime is looked up at $ORT_MODULE, else <build>/ort/node_modules/onnxruntime-node
// (`npm install --ignore-scripts onnxruntime-node@1.30.0` in <build>/ort).

#include "onnx/importer.h"
#include "quant/lower.h"
#include "sim/dataset.h"
#include "sim/int_executor.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace luthier;
namespace fs = std::filesystem;

namespace {

const std::string kShared = LUTHIER_SHARED_DIR;
const fs::path kOrtDir = fs::path(LUTHIER_BINARY_DIR) / "ort";

// Runs the executor repeatedly for at least `minSeconds`; returns samples per second.
double timeInteger(const sim::IntExecutor& exec, const sim::Dataset& data, int threads, double minSeconds = 1.0)
{
    sim::RunOptions options;
    options.threads = threads;
    exec.run(data, options); // warm-up
    int64_t samples = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < minSeconds) {
        exec.run(data, options);
        samples += data.count;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    return double(samples) / elapsed;
}

// The timing script: one InferenceSession with one intra-op thread, the whole input batch fed one sample
// per run() (the models declare batch 1), repeated for at least a second; prints samples/s.
const char* kOrtScript = R"JS(
const fs = require('fs');
const ort = require(process.env.ORT_MODULE);
function readNpy(f) {
  const b = fs.readFileSync(f); const hlen = b.readUInt16LE(8);
  const header = b.slice(10, 10 + hlen).toString('latin1');
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  return { shape, data: new Float32Array(b.buffer.slice(b.byteOffset + 10 + hlen, b.byteOffset + b.length)) };
}
(async () => {
  const [model, input] = process.argv.slice(2);
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  const x = readNpy(input); const n = x.shape[0], per = x.data.length / n;
  const dims = [1, ...x.shape.slice(1)];
  const tensors = []; for (let i = 0; i < n; i++) tensors.push(new ort.Tensor('float32', x.data.slice(i * per, (i + 1) * per), dims));
  for (let i = 0; i < Math.min(n, 50); i++) await s.run({ [s.inputNames[0]]: tensors[i] });
  let count = 0; const t0 = process.hrtime.bigint(); let sec = 0;
  while (sec < 1.0) { for (const t of tensors) await s.run({ [s.inputNames[0]]: t }); count += n; sec = Number(process.hrtime.bigint() - t0) / 1e9; }
  console.log((count / sec).toFixed(1));
})().catch(e => { console.error(e.message); process.exit(1); });
)JS";

// samples/s of ONNX Runtime on one thread, or < 0 when it is not available.
double timeOrt(const std::string& name, const std::string& inputs)
{
    const char* env = std::getenv("ORT_MODULE");
    const fs::path module = env ? fs::path(env) : kOrtDir / "node_modules" / "onnxruntime-node";
    if (!fs::exists(module) || std::system("node --version > /dev/null 2>&1") != 0) return -1;
    fs::create_directories(kOrtDir);
    const fs::path stdModel = kOrtDir / (name + ".std.onnx");
    if (!fs::exists(stdModel)) {
        // The rewriter needs Python with onnx and numpy (Debian: python3-onnx).
        const std::string cmd = "/usr/bin/python3 " + kShared + "/tools/qonnx_to_std.py " + kShared + "/models/" + name
            + ".onnx " + stdModel.string() + " > /dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0 || !fs::exists(stdModel)) return -1;
    }
    const fs::path script = kOrtDir / "time_ort.js";
    std::ofstream(script) << kOrtScript;
    const std::string cmd
        = "ORT_MODULE=" + module.string() + " node " + script.string() + " " + stdModel.string() + " " + inputs;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return -1;
    char line[128] = {};
    const bool ok = std::fgets(line, sizeof line, pipe) != nullptr;
    return pclose(pipe) == 0 && ok ? std::atof(line) : -1;
}

void bench(const std::string& name, const std::string& inputs)
{
    const ir::Graph graph = importer::importModel(kShared + "/models/" + name + ".onnx");
    const quant::IntGraph ig = quant::lowerToInteger(graph);
    const sim::Dataset data = sim::loadInputs(inputs, graph.layers.at(0).outShape);
    const sim::IntExecutor exec(ig);
    const double one = timeInteger(exec, data, 1);
    const double all = timeInteger(exec, data, 0);
    std::printf("%-20s %6lld samples  golden model: %12.0f samples/s on 1 thread, %12.0f on all threads\n",
        name.c_str(), static_cast<long long>(data.count), one, all);
    const double ort = timeOrt(name, inputs);
    if (ort > 0)
        std::printf("%-20s ONNX Runtime 1 thread: %12.0f samples/s   ratio golden/ORT (1 thread): %.2f\n", name.c_str(),
            ort, one / ort);
    else
        std::printf(
            "%-20s ONNX Runtime not available (see the comment at the top of bench_golden.cpp)\n", name.c_str());
}

} // namespace

int main()
{
    bench("TFC_2W2A", kShared + "/data/mnist_x_2k.npy");
    bench("qkeras_jettagging", kShared + "/models/reference/qkeras_jettagging.input.npy");
    return 0;
}
