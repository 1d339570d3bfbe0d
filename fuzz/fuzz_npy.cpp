// libFuzzer target: the .npy reader of the golden model's datasets (core/sim/npy.h).

#include "sim/npy.h"
#include "util/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    luthier::sim::NpyLimits limits;
    limits.maxElements = int64_t(1) << 22; // keeps one input inside -rss_limit_mb; the default is 2^31
    try {
        luthier::sim::parseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy", limits);
    } catch (const luthier::Error&) {
    }
    return 0;
}
