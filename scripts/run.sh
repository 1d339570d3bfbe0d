#!/usr/bin/env bash
# Installs dependencies, builds, and runs the main job on the bundled example: the workbench with the
# example project when a display is present, otherwise `luthier-cli inspect` on the example model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
example_model=resources/examples/tfc_2w2a/TFC_2W2A.onnx
example_project=resources/examples/tfc_2w2a/tfc_2w2a.luthier
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -f "$example_project" ]; then
  exec build/bin/luthier "$example_project"
fi
exec build/bin/luthier-cli inspect "$example_model"
