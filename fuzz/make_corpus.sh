#!/usr/bin/env bash
# Assembles the seed corpus of every fuzz target into OUT/<target>/ (default build-fuzz/seeds): the shared
# models and datasets, the repository's devices, example project and test reports, the ONNX node tests of
# the operators the importer handles (Debian libonnx-testdata), and a few small hand-written inputs for the
# formats that have no checked-in samples (CSV, the .npy header variants).
#
#   fuzz/make_corpus.sh [OUT]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build-fuzz/seeds}"
shared="${LUTHIER_SHARED_DIR:-$root/../shared}"

rm -rf "$out"
mkdir -p "$out"/{fuzz_onnx_import,fuzz_npy,fuzz_csv,fuzz_project,fuzz_device,fuzz_vivado_report}

# Copies the files to a target's folder, prefixing the parent folder name so equal base names stay apart.
seed() {
    local target="$1"
    shift
    local f
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$out/$target/$(basename "$(dirname "$f")")_$(basename "$f")"
    done
    return 0
}

# ONNX: every shared model, the bundled example and the small node tests of supported operators.
seed fuzz_onnx_import "$shared"/models/*.onnx "$root"/resources/examples/*/*.onnx
node_tests=/usr/share/libonnx-testdata/data/node
if [ -d "$node_tests" ]; then
    ops='conv|gemm|matmul|quantizelinear|dequantizelinear|qlinear|convinteger|matmulinteger|maxpool|averagepool'
    ops+='|globalaveragepool|relu|leakyrelu|add|concat|flatten|reshape|transpose|resize|upsample|softmax'
    ops+='|batchnorm|clip|mul|sub|div|gather|squeeze|unsqueeze|shape|cast|identity|constant_|sqrt|neg|reciprocal|abs|pow'
    for dir in "$node_tests"/test_*; do
        name="$(basename "$dir")"
        [[ "$name" =~ ^test_($ops) ]] || continue
        [ -f "$dir/model.onnx" ] && cp "$dir/model.onnx" "$out/fuzz_onnx_import/node_$name.onnx"
    done
fi

# .npy: the small reference arrays, plus one header of each version, dtype and shape form.
for f in "$shared"/models/reference/*.npy "$shared"/data/*.npy "$root"/resources/examples/*/*.npy; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 16384 ] && seed fuzz_npy "$f"
done
# npy VERSION DICT DATA_BYTES_AS_PRINTF: a version 1 (2-byte length) or 2/3 (4-byte length) file.
npy() {
    local file="$1" version="$2" dict="$3" data="$4" len
    len=${#dict}
    if [ "$version" = 1 ]; then
        printf '\x93NUMPY\x01\x00'"$(printf '\\x%02x\\x%02x' $((len & 255)) $((len >> 8)))" >"$out/fuzz_npy/$file"
    else
        printf '\x93NUMPY\x0'"$version"'\x00'"$(printf '\\x%02x\\x%02x\\x00\\x00' $((len & 255)) $((len >> 8)))" \
            >"$out/fuzz_npy/$file"
    fi
    printf '%s' "$dict" >>"$out/fuzz_npy/$file"
    printf "$data" >>"$out/fuzz_npy/$file"
}
npy f4_2x2.npy 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"$'\n' \
    '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40\x00\x00\x80\x40'
npy i8_3.npy 1 "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"$'\n' \
    '\x01\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x80'
npy u1_scalar.npy 1 "{'descr': '|u1', 'fortran_order': False, 'shape': (), }"$'\n' '\xff'
npy b1_empty.npy 1 "{'descr': '|b1', 'fortran_order': False, 'shape': (0, 4), }"$'\n' ''
npy u8_v2.npy 2 "{\"descr\": \"<u8\", \"fortran_order\": False, \"shape\": (1L,), }"$'\n' \
    '\xff\xff\xff\xff\xff\xff\xff\x7f'
npy i2_v3.npy 3 "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 1, 2), }"$'\n' '\x00\x80\xff\x7f'
npy f8_fortran.npy 1 "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }"$'\n' '\x00\x00\x00\x00\x00\x00\xf0\x3f'

# CSV: header and headerless tables, separators, quotes, exponents, CRLF line ends.
printf 'x0,x1,x2,label\n0.5,1,-2,3\n1e-3,2.5e2,+7,0\n' >"$out/fuzz_csv/header.csv"
printf '1;2;3\r\n4;5;6\r\n' >"$out/fuzz_csv/semicolons_crlf.csv"
printf '"a"\t"b"\n1\t2\n\n3\t4\n' >"$out/fuzz_csv/tabs_quoted.csv"
printf '0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n' >"$out/fuzz_csv/column.csv"

# Projects, devices, Vivado reports: everything checked in.
seed fuzz_project "$root"/resources/examples/*/*.luthier
find "$root/tests/data" -name '*.luthier' -print0 2>/dev/null | xargs -0 -r -I{} cp {} "$out/fuzz_project/"
cat >"$out/fuzz_project/full.luthier" <<'JSON'
{"format": "luthier-project", "version": 1, "model": "../models/m.onnx", "device": "xcvu9p",
 "dataset": {"inputs": "x.npy", "labels": "y.npy"},
 "compiler": {"lutInputs": 4, "parallelism": 8, "annealingEffort": 0.5, "clockMhz": 300.0, "extra": [1, 2]},
 "overrides": {"fc1": {"weightBits": 3, "activationBits": 4, "weightScheme": "pow2", "template": "tlmac", "groupSize": 3}},
 "constraints": {"pblocks": {"fc1": {"col0": 1, "row0": 2, "col1": 10, "row1": 20}}, "slr": {"fc1": 1},
                 "keepOut": [{"col0": 0, "row0": 0, "col1": 3, "row1": 3}]},
 "unknownTopLevel": {"kept": true}}
JSON
cat >"$out/fuzz_project/inline_tables.luthier" <<'JSON'
{"format": "luthier-project", "version": 1, "model": "m.onnx",
 "overrides": {"fc2": {"tables": {"format": "luthier-lut-tables", "version": 1, "layer": "fc2", "outputs": 2,
   "inputs": 3, "inputBits": 2, "scale": [0.5, 1.0],
   "tables": [[[-1, 0, 1, 2], null, [3, 2, 1, 0]], [[0, 0, 0, 0], [1, 1, -1, -1], null]]}}}}
JSON
seed fuzz_device "$root"/resources/devices/*.json
seed fuzz_vivado_report "$root"/tests/data/vivado/*.rpt "$root"/tests/data/vivado/*.xml

for d in "$out"/*/; do
    echo "$(basename "$d"): $(find "$d" -type f | wc -l) seeds"
done
