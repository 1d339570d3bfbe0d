#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test suite (ctest, `default` preset).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
ctest --preset default --output-on-failure "$@"
