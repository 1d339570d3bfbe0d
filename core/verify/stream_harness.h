#pragma once
// The Verilator harness of a streaming design (manifest "stream" section, rtl/stream/emit_stream.h): it reads
// the same packed vectors as the whole-vector harness (verify/verilator_run.h: per frame the whole input vector,
// then the expected outputs), feeds each frame as pixel beats in raster order, compares every value of every
// output beat with the golden model's element at that pixel and channel, and prints the cycles of each frame.
// Its report lines are the whole-vector harness's (MISMATCH, PASSED, SUMMARY), so verifyDesign parses both.

#include <nlohmann/json.hpp>
#include <string>

namespace luthier::verify {

// The harness for top `top` with the manifest's "input", "output" and "stream" sections. Throws luthier::Error
// naming the key when the stream section does not describe the vectors.
std::string streamHarnessSource(const std::string& top, const nlohmann::json& manifest);

} // namespace luthier::verify
