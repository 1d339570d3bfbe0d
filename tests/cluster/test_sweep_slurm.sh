#!/usr/bin/env bash
# Sweeps through a real one-node Slurm cluster (started and stopped by the slurm_cluster ctest fixture,
# scripts/slurm-cluster.sh) against the same sweeps run with --local. Model TFC_2W2A, MNIST slice of 100 samples.
#
# 1. 12 points, 3 weight bit-widths x 4 templates, estimate + eval. On Slurm one task at a time (--max-running 1),
#    slurmd is killed (SIGKILL) once 3 points have finished and the following `sweep run` is interrupted;
#    `sweep resume` cancels the stranded array and resubmits. Checked: resume rewrites no finished point's record
#    (same inode: an atomic rewrite makes a new one), submits exactly the unfinished points, completes all 12.
# 2. 2 points (2-bit weights, tlmac and lut-dense), estimate + eval + Yosys on the smallest layer (MatMul_56,
#    64 -> 10). Yosys takes 10-50 s per point here, so the full 12-point sweep with synth (measured on the 2-core
#    CI machine: 241 s on Slurm, 204 s with --local -j 2) runs only with LUTHIER_SWEEP_FULL=1.
# 3. A point whose command fails in its Slurm task gets a failure record naming the step; `run` leaves it alone,
#    `resume` reruns it (here after the cause is fixed) and it finishes.
# 1 and 2: the local and the Slurm reports (table, JSON, SVG) are byte-identical, and the numbers are real.
#
#   test_sweep_slurm.sh LUTHIER_CLI SHARED_DIR SLURM_CLUSTER_SH STATE_DIR     (SLURM_CONF set by ctest)
# LUTHIER_SWEEP_KEEP=1 keeps the sweep folders (their path is printed) instead of removing them.
set -euo pipefail
cli=$1 shared=$2 cluster=$3 state=$4
[ "$(id -u)" -eq 0 ] && command -v sbatch >/dev/null || { echo "SKIP: the one-node cluster needs root and Slurm"; exit 77; }
work=$(mktemp -d /tmp/luthier-sweep-test.XXXXXX)
if [ "${LUTHIER_SWEEP_KEEP:-0}" = 1 ]; then echo "sweep folders kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

describe() { # FILE WBITS TEMPLATES STEPS
  cat >"$1" <<JSON
{
  "model": "$shared/models/TFC_2W2A.onnx",
  "inputs": "$shared/data/mnist_x_2k.npy",
  "labels": "$shared/data/mnist_y_2k.npy",
  "samples": 100,
  "wbits": $2,
  "templates": $3,
  "steps": $4,
  "synthLayer": "MatMul_56",
  "effort": 0.1
}
JSON
}

identical_reports() { # NAME POINTS: compares the local and Slurm reports of sweep NAME, checks their numbers
  local name=$1 points=$2
  for dir in local slurm; do
    "$cli" sweep report "$work/$name-$dir" >"$work/$name-$dir.txt"
    "$cli" sweep report "$work/$name-$dir" --json >"$work/$name-$dir.json"
  done
  cmp "$work/$name-local.txt" "$work/$name-slurm.txt" || {
    diff "$work/$name-local.txt" "$work/$name-slurm.txt" || true
    fail "$name: text reports differ"
  }
  cmp "$work/$name-local.json" "$work/$name-slurm.json" || fail "$name: JSON reports differ"
  cmp "$work/$name-local/pareto.svg" "$work/$name-slurm/pareto.svg" || fail "$name: plots differ"
  python3 - "$work/$name-slurm.json" "$points" <<'PY' || fail "$name: report content"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["finished"] == int(sys.argv[2]) and r["failed"] == 0, r
for row in r["rows"]:
    # TFC_2W2A is trained at 2 bits and reaches ~97 % on MNIST; at 2-4 bits every point stays far above chance.
    assert row["accuracy"]["samples"] == 100 and row["accuracy"]["intAccuracy"] > 0.8, row
    assert row["estimate"]["lut"] > 0, row
    if "synth" in row:
        assert row["synth"]["layer"] == "matmul_56" and row["synth"]["lut"] > 0, row
# The front: each point on it undominated, each point off it dominated (accuracy up, LUTs down).
front = [row["point"] for row in r["rows"] if row["front"]["lut"]]
pts = [(row["estimate"]["lut"], row["accuracy"]["intAccuracy"], row["point"]) for row in r["rows"]]
for lut, acc, name in pts:
    dominated = any(l <= lut and a >= acc and (l < lut or a > acc) for l, a, _ in pts)
    assert dominated != (name in front), (name, front)
print("front:", " ".join(front))
PY
}

# --- 1. 12 points, slurmd killed mid-sweep, resume ----------------------------------------------------------
t0=$(date +%s)
describe "$work/grid.json" '[2, 3, 4]' '["tlmac", "unrolled", "lut-dense", "lut-na"]' '["estimate", "eval"]'
"$cli" sweep plan "$work/grid.json" -o "$work/grid-local" >/dev/null
"$cli" sweep plan "$work/grid.json" -o "$work/grid-slurm" >/dev/null
"$cli" sweep run "$work/grid-slurm" --slurm --max-running 1 --poll 0.3 >"$work/run.out" 2>&1 &
runner=$!
count() { find "$work/grid-slurm/points" -name result.json | wc -l; }
for _ in $(seq 1500); do
  [ "$(count)" -ge 3 ] && break
  kill -0 $runner 2>/dev/null || break
  sleep 0.1
done
bash "$cluster" kill-slurmd "$state"
before=$(count)
[ "$before" -ge 3 ] && [ "$before" -lt 12 ] || fail "expected slurmd killed with 3..11 points finished, had $before"
kill -INT $runner
if wait $runner; then fail "the interrupted sweep run exited 0"; fi
grep -q "stopped following job" "$work/run.out" || fail "sweep run did not say it stopped: $(cat "$work/run.out")"
bash "$cluster" start-slurmd "$state"

# The records that exist now come from the first array; resume must not rewrite any of them.
find "$work/grid-slurm/points" -name result.json -printf '%p %i\n' | sort >"$work/kept"
kept=$(wc -l <"$work/kept")
"$cli" sweep resume "$work/grid-slurm" --slurm --poll 0.3 >"$work/resume.out" 2>&1 ||
  fail "resume failed: $(cat "$work/resume.out")"
grep -q "cancelled job array" "$work/resume.out" || fail "resume cancelled nothing: $(cat "$work/resume.out")"
while read -r file inode; do
  [ "$(stat -c %i "$file")" = "$inode" ] || fail "resume rewrote $file, which had finished"
done <"$work/kept"
# Finished points are not resubmitted: the new array holds the others only (a task that was running when
# slurmd died may have finished meanwhile, so at most 12 - kept).
resubmitted=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[-1]["points"]))' \
  "$work/grid-slurm/slurm/jobs.json")
[ "$resubmitted" -ge 1 ] && [ "$resubmitted" -le $((12 - kept)) ] ||
  fail "resume submitted $resubmitted points with $kept of 12 finished"
[ "$(count)" -eq 12 ] || fail "after resume $(count) of 12 points finished"
t1=$(date +%s)
"$cli" sweep run "$work/grid-local" --local -j 2 >"$work/local.out" 2>&1 || fail "local run: $(cat "$work/local.out")"
t2=$(date +%s)
identical_reports grid 12
echo "12 points: slurm + kill + resume $((t1 - t0)) s ($before finished at the kill, $kept kept, $resubmitted resubmitted); local $((t2 - t1)) s"

# --- 3. A point that fails on Slurm is recorded as failed; resume reruns it -------------------------------------
describe "$work/one.json" '[2]' '["tlmac"]' '["estimate"]'
"$cli" sweep plan "$work/one.json" -o "$work/one" >/dev/null
cp "$work/one/sweep.json" "$work/one.sweep.json"
# The point's analyze gets a model that is not there (sweep.json is the plan every task reads).
python3 - "$work/one/sweep.json" "$work/missing.onnx" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan["points"][0]["commands"][0]["argv"][2] = sys.argv[2]
json.dump(plan, open(sys.argv[1], "w"), indent=2)
PY
if "$cli" sweep run "$work/one" --slurm --poll 0.3 >"$work/one.out" 2>&1; then fail "a failing point's run exited 0"; fi
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); assert f["step"]=="analyze" and "missing.onnx" in f["reason"], f' \
  "$work/one/points/00-w2-tlmac-k6-p64/failure.json" || fail "failure record: $(cat "$work/one.out")"
"$cli" sweep run "$work/one" --slurm --poll 0.3 >"$work/one.out" 2>&1 || true # exit 1: the sweep has a failed point
grep -q "0 of 1 points to run" "$work/one.out" || fail "run reran a failed point: $(cat "$work/one.out")"
cp "$work/one.sweep.json" "$work/one/sweep.json"
"$cli" sweep resume "$work/one" --slurm --poll 0.3 >"$work/one.out" 2>&1 || fail "resume of the fixed point: $(cat "$work/one.out")"
grep -q "w2-tlmac-k6-p64: finished" "$work/one.out" || fail "resume: $(cat "$work/one.out")"
[ ! -e "$work/one/points/00-w2-tlmac-k6-p64/failure.json" ] || fail "the old failure record is still there"

# --- 2. compile + Yosys -------------------------------------------------------------------------------------
if [ "${LUTHIER_SWEEP_FULL:-0}" = 1 ]; then
  describe "$work/synth.json" '[2, 3, 4]' '["tlmac", "unrolled", "lut-dense", "lut-na"]' '["estimate", "eval", "synth"]'
  n=12
else
  describe "$work/synth.json" '[2]' '["tlmac", "lut-dense"]' '["estimate", "eval", "synth"]'
  n=2
fi
"$cli" sweep plan "$work/synth.json" -o "$work/synth-local" >/dev/null
"$cli" sweep plan "$work/synth.json" -o "$work/synth-slurm" >/dev/null
t3=$(date +%s)
"$cli" sweep run "$work/synth-slurm" --slurm --poll 0.3 >"$work/synth-slurm.out" 2>&1 ||
  fail "slurm synth sweep: $(cat "$work/synth-slurm.out")"
t4=$(date +%s)
"$cli" sweep run "$work/synth-local" --local -j 2 >"$work/synth-local.out" 2>&1 ||
  fail "local synth sweep: $(cat "$work/synth-local.out")"
t5=$(date +%s)
identical_reports synth $n
echo "$n points with synth: slurm $((t4 - t3)) s, local $((t5 - t4)) s"
cat "$work/synth-slurm.txt"
