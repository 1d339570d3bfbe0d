#!/bin/sh
# Packaging test: installs the library (component Development) into a scratch prefix, builds a tiny external
# project against it twice, once with CMake (find_package(Luthier), Luthier::core) and once with pkg-config
# (luthier.pc), runs both on a shared model and requires the integers the installed luthier-cli's `run` gives.
#
# Usage: test_consumer.sh BUILD_DIR LUTHIER_CLI SHARED_DIR
set -eu

build=$(cd "$1" && pwd)
cli=$2
shared=$3
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok $pass: $*"; }

prefix="$scratch/prefix"
cmake --install "$build" --component Development --prefix "$prefix" >"$scratch/install.log" 2>&1 \
    || { cat "$scratch/install.log"; fail "cmake --install --component Development"; }
for f in include/luthier/pipeline/pipeline.h lib/libluthier_util.a lib/cmake/Luthier/LuthierConfig.cmake \
         lib/cmake/Luthier/LuthierConfigVersion.cmake lib/cmake/Luthier/LuthierTargets.cmake lib/pkgconfig/luthier.pc; do
    [ -f "$prefix/$f" ] || fail "the install lacks $f"
done
# Nothing of the build or source tree may leak into the installed package files.
if grep -l "$build\|$(cd "$here/../.." && pwd)" "$prefix"/lib/cmake/Luthier/*.cmake "$prefix/lib/pkgconfig/luthier.pc"; then
    fail "installed package files name the build or source tree"
fi
ok "installed headers, libraries, CMake package and luthier.pc into a scratch prefix"

model="$shared/models/qkeras_jettagging.onnx"
inputs="$shared/models/reference/qkeras_jettagging.input.npy"
"$cli" -q run "$model" --inputs "$inputs" --out "$scratch/cli.npy" --out-ints "$scratch/cli_ints.npy"

# CMake: find_package(Luthier) from the prefix only.
cmake -S "$here/consumer" -B "$scratch/cmake-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" >"$scratch/configure.log" 2>&1 || { cat "$scratch/configure.log"; fail "configure"; }
cmake --build "$scratch/cmake-build" >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; fail "build"; }
"$scratch/cmake-build/consumer" "$model" "$inputs" "$scratch/cmake.npy" >"$scratch/run.log" 2>&1 \
    || { cat "$scratch/run.log"; fail "the CMake consumer failed"; }
grep -q "qkeras_jettagging: .* layers, 1000 samples" "$scratch/run.log" || { cat "$scratch/run.log"; fail "consumer output"; }
cmp "$scratch/cmake.npy" "$scratch/cli_ints.npy" || fail "the CMake consumer's integers differ from luthier-cli run"
ok "find_package(Luthier) + Luthier::core: built and ran, $(cat "$scratch/run.log"), integers equal luthier-cli run's"

# pkg-config, with the prefix only found through PKG_CONFIG_PATH.
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs luthier) || fail "pkg-config luthier"
# shellcheck disable=SC2086
c++ -std=c++20 -O1 "$here/consumer/main.cpp" -o "$scratch/pc-consumer" $flags 2>"$scratch/pc.log" \
    || { cat "$scratch/pc.log"; fail "build with pkg-config flags: $flags"; }
"$scratch/pc-consumer" "$model" "$inputs" "$scratch/pc.npy" >/dev/null || fail "the pkg-config consumer failed"
cmp "$scratch/pc.npy" "$scratch/cli_ints.npy" || fail "the pkg-config consumer's integers differ from luthier-cli run"
ok "pkg-config luthier: built and ran, integers equal luthier-cli run's"
echo "$pass passed, 0 failed"
