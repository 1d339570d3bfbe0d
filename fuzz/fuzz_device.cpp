// libFuzzer target: device model JSON (core/device/device_loader.h); users drop their own files into
// device folders, so every field is untrusted.

#include "device/device_loader.h"
#include "util/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        luthier::device::parseDevice(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    } catch (const luthier::Error&) {
    }
    return 0;
}
