#pragma once
// Loading device models from JSON files (schema: docs/devices.md). Built-in devices live in the resource
// folder's devices/; users add their own by dropping <part>.json into a device folder:
//   1. folders passed explicitly (luthier-cli --device-dir),
//   2. $LUTHIER_DEVICE_PATH (colon-separated folders),
//   3. $XDG_DATA_HOME/luthier/devices, or ~/.local/share/luthier/devices,
//   4. <resource folder>/devices (util::resourceDir()).
// The first folder holding a part wins, so a user file can replace a built-in model.

#include "device/device.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace luthier::device {

// Parse and validate one device document. Errors read "<label>: <key>: <reason>", e.g.
// "my.json: grid.columns[3]: unknown tile kind \"CLBX\" (expected CLB, DSP, BRAM or IO)".
Device parseDevice(const std::string& text, const std::string& label);
Device loadDevice(const std::filesystem::path& file);

// The device folders in lookup order (only existing ones).
std::vector<std::filesystem::path> deviceDirs(const std::vector<std::filesystem::path>& extraDirs = {});

struct DeviceEntry {
    std::string part;
    std::filesystem::path file;
};
// Every device file in the folders, first occurrence of a part only. Files that fail to load are listed in
// `problems` (when given) with their error, not silently dropped.
std::vector<DeviceEntry> listDevices(
    const std::vector<std::filesystem::path>& extraDirs = {}, std::vector<std::string>* problems = nullptr);

// The device for a part name, case-insensitive. A full ordering code matches its device:
// "xcvu13p-flga2577-2-e" finds "xcvu13p". Throws luthier::Error listing the known parts when none matches.
Device findDevice(std::string_view part, const std::vector<std::filesystem::path>& extraDirs = {});

} // namespace luthier::device
