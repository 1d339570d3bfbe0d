#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz/: clang, ASan + UBSan, luthier_core instrumented) and runs each
# for SECONDS (default 60). Exits non-zero when any target crashes, leaks, times out or runs out of memory;
# the input that did it is left in build-fuzz/crashes/<target>/ (see docs/robustness.md to reproduce and
# minimise it).
#
#   scripts/fuzz.sh                  # every target, 60 s each
#   scripts/fuzz.sh 20               # the CI smoke run
#   scripts/fuzz.sh 3600 fuzz_npy    # one target for an hour
#
# New interesting inputs accumulate in build-fuzz/corpus/<target>/, so longer runs start where the last
# one stopped; the seeds are rebuilt from the repository each run (fuzz/make_corpus.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_onnx_import fuzz_npy fuzz_csv fuzz_project fuzz_device fuzz_vivado_report)
fi
build_dir="$root/build-fuzz"

# Clang 16 (Debian 12's clang-16): clang 14, the default clang there, rejects lambdas that capture
# structured bindings, which core uses. libclang-rt-16-dev holds libFuzzer and the sanitizer runtimes.
clang_version=16
if ! command -v "clang++-$clang_version" >/dev/null || [ ! -d "/usr/lib/llvm-$clang_version/lib/clang/$clang_version/lib/linux" ]; then
    echo "Installing clang-$clang_version and libclang-rt-$clang_version-dev"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "clang-$clang_version" "libclang-rt-$clang_version-dev" >/dev/null
fi

cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="clang-$clang_version" -DCMAKE_CXX_COMPILER="clang++-$clang_version" -DLUTHIER_BUILD_FUZZERS=ON \
    -DLUTHIER_BUILD_GUI=OFF -DLUTHIER_BUILD_TESTS=OFF -DLUTHIER_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" --target "${targets[@]}" -- -j"$(nproc)"
fuzz/make_corpus.sh "$build_dir/seeds" >/dev/null

# Largest input per target: the biggest seed of each format, so mutations stay in the region that matters.
max_len() {
    case "$1" in
    fuzz_onnx_import) echo 262144 ;; # the TFC models are 243 KB
    fuzz_npy | fuzz_project | fuzz_device | fuzz_vivado_report) echo 16384 ;;
    *) echo 8192 ;;
    esac
}
dict() {
    case "$1" in
    fuzz_onnx_import) echo onnx ;;
    fuzz_npy) echo npy ;;
    fuzz_csv) echo csv ;;
    fuzz_project | fuzz_device) echo json ;;
    fuzz_vivado_report) echo vivado ;;
    esac
}

# Reports name functions and lines only with a symbolizer (clang-16 ships none; llvm-14's, from clang 14, works).
symbolizer="$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1:symbolize=1:external_symbolizer_path=$symbolizer"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1:external_symbolizer_path=$symbolizer"

failed=()
for target in "${targets[@]}"; do
    corpus="$build_dir/corpus/$target"
    crashes="$build_dir/crashes/$target"
    log="$build_dir/logs/$target.log"
    mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
    echo "== $target: ${seconds} s (log: ${log#"$root"/})"
    status=0
    "$build_dir/bin/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=30 \
        -max_len="$(max_len "$target")" -dict="$root/fuzz/dicts/$(dict "$target").dict" \
        -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" "$build_dir/seeds/$target" \
        >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$log" | tr '\n' ' ' || true
    echo
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        echo "!! $target failed (exit $status); inputs in ${crashes#"$root"/}:" >&2
        ls -1 "$crashes" >&2 || true
        grep -m1 -E 'ERROR:|runtime error:|terminate called|deadly signal|out-of-memory|timeout' "$log" >&2 || true
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz.sh: ${#targets[@]} target(s), ${seconds} s each, no crash"
