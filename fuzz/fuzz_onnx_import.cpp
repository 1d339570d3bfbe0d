// libFuzzer target: ONNX/QONNX import from untrusted protobuf bytes (core/onnx/importer.h).
// Any input must either import or throw luthier::Error; anything else (another exception, a sanitizer
// report, a stack overflow, an allocation beyond -rss_limit_mb) is a bug.

#include "onnx/importer.h"
#include "util/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // Tighter than the defaults so that one input stays well inside the fuzzer's memory limit: a tensor of
    // 2^20 elements is 8 MiB of doubles. The limits themselves are tested in tests/core/test_limits_import.cpp.
    luthier::importer::ImportLimits limits;
    limits.maxTensorElements = int64_t(1) << 20;
    limits.maxNodes = 2000;
    try {
        luthier::importer::importModelFromBytes(
            std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx", limits);
    } catch (const luthier::Error&) {
    }
    return 0;
}
