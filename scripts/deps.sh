#!/usr/bin/env bash
# Installs the Debian packages Luthier needs to build, test and run. Quiet; skips what is present.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  libgraphviz-dev nlohmann-json3-dev libcli11-dev libeigen3-dev
  verilator yosys tcl xvfb xauth imagemagick
  clang-16 libclang-rt-16-dev  # scripts/fuzz.sh: libFuzzer and clang's sanitizer runtimes
  file lintian appstream desktop-file-utils  # tests/packaging: cpack's shlibdeps, package checks
  clang-format clang-tidy  # scripts/lint.sh
  python3 graphviz  # scripts/docs_examples.py, scripts/stage-graph.sh (dot, tred)
  nextpnr-ice40 fpga-icestorm fpga-icestorm-chipdb  # luthier-cli implement (icetime needs the chipdb)
  slurmctld slurmd slurm-client munge  # scripts/slurm-cluster.sh: the one-node cluster of tests/cluster
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
