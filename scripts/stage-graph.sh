#!/usr/bin/env bash
# Draws docs/images/stages.svg, the stage graph of docs/architecture.md, from the build's own targets: CMake's
# dependency graph (cmake --graphviz) of a configured tree, kept to the core stage libraries (luthier_<stage>)
# and the front ends, with the edges each target declares. Rerun after adding a stage or a dependency.
#
#   scripts/stage-graph.sh            # writes docs/images/stages.svg
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S . -B "$tmp/build" -G Ninja -DLUTHIER_BUILD_TESTS=OFF -DLUTHIER_BUILD_BENCH=OFF \
    --graphviz="$tmp/targets.dot" >/dev/null
python3 - "$tmp/targets.dot" >"$tmp/stages.dot" <<'PY'
import re, sys
# Edge lines read:  "node3" -> "node7"  // luthier_rtl -> luthier_arch
edges = set()
for line in open(sys.argv[1]):
    m = re.search(r'//\s*(\S+)\s*->\s*(\S+)\s*$', line)
    if not m:
        continue
    a, b = m.groups()
    keep = lambda t: re.fullmatch(r'luthier_[a-z]+|luthier-cli|luthier', t) and t not in ('luthier_external', 'luthier_core')
    if keep(a) and keep(b):
        edges.add((a, b))
    elif a in ('luthier-cli', 'luthier_widgets') and b == 'luthier_core':
        edges.add((a, 'luthier_core'))
# The front ends link luthier_core, every stage: draw that as edges to the stages nothing else depends on.
stages = {t for e in edges for t in e if t.startswith('luthier_') and t not in ('luthier_core', 'luthier_widgets')}
used = {b for a, b in edges if a in stages}
tops = sorted(stages - used)
edges = {(a, b) for a, b in edges if b != 'luthier_core'} | {(a, t) for a, b in edges if b == 'luthier_core' for t in tops}
print('digraph stages {\n  rankdir=BT;\n  node [shape=box, style=rounded, fontname="sans-serif"];')
for a, b in sorted(edges):
    print(f'  "{a}" -> "{b}";')
print('}')
PY
tred "$tmp/stages.dot" | dot -Tsvg -o docs/images/stages.svg
echo "wrote docs/images/stages.svg"
