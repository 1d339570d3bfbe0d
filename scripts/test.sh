#!/usr/bin/env bash
# The README's test command, and CI's (.ci/run). Installs the dependencies, then runs three stages:
#   1. default  build the `default` preset (build/) and run every ctest suite
#   2. asan     the core suites but one under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/asan.sh --core)
#   3. fuzz     build the libFuzzer targets and run each for LUTHIER_FUZZ_SECONDS, default 20 (scripts/fuzz.sh)
# Every stage runs even when an earlier one failed, so one run shows every failure; the exit status is
# non-zero when any stage failed. Arguments go to the first stage's ctest (e.g. -R device).
#
#   scripts/test.sh                               # everything (what CI runs; timings in docs/robustness.md)
#   LUTHIER_TEST_STAGES=default scripts/test.sh   # only the normal build and suites
#   LUTHIER_TEST_STAGES="asan fuzz" scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

stages="${LUTHIER_TEST_STAGES:-default lint asan fuzz}"
fuzz_seconds="${LUTHIER_FUZZ_SECONDS:-20}"

scripts/deps.sh

failed=()
summary=()
run_stage() {
    local name="$1"
    shift
    case " $stages " in *" $name "*) ;; *) return 0 ;; esac
    echo "==== stage $name: $*"
    local start status=0
    start=$(date +%s)
    "$@" || status=$?
    summary+=("$name $(($(date +%s) - start)) s, exit $status")
    [ "$status" -eq 0 ] || failed+=("$name")
}

default_stage() {
    scripts/build.sh
    ctest --preset default --output-on-failure "$@"
}

run_stage default default_stage "$@"
run_stage lint scripts/lint.sh
# test_verify_models spends its time in Verilator's (uninstrumented) harness builds and already ran in stage
# 1; test_regression_external_tools still verifies a model through the sanitized core.
run_stage asan scripts/asan.sh --core -E '^test_verify_models$'
run_stage fuzz scripts/fuzz.sh "$fuzz_seconds"

echo "==== summary"
for line in "${summary[@]}"; do
    echo "  $line"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "test.sh: failed stage(s): ${failed[*]}" >&2
    exit 1
fi
echo "test.sh: every stage passed"
