#!/usr/bin/env bash
# Proves the docs check can fail (ctest docs_examples_detects_edit): a copy of docs/install.md passes
# scripts/docs-examples.sh, the same copy with one quoted digit edited (59008 -> 59009 parameters in the
# inspect output) must fail with exit 1 and a diff naming the copy and the edited line.
#   scripts/docs-examples-selftest.sh [--cli build/bin/luthier-cli]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
doc="$work/install.md"
cp "$here/../docs/install.md" "$doc"

if ! "$here/docs-examples.sh" --check "$@" "$doc" >"$work/before.txt"; then
    cat "$work/before.txt"
    echo "selftest: the unedited copy of docs/install.md already fails" >&2
    exit 1
fi

sed -i 's/^total: 5 layers, 59008 parameters/total: 5 layers, 59009 parameters/' "$doc"
if ! grep -q '59009 parameters' "$doc"; then
    echo "selftest: docs/install.md no longer quotes 'total: 5 layers, 59008 parameters'; pick another digit" >&2
    exit 1
fi

status=0
"$here/docs-examples.sh" --check "$@" "$doc" >"$work/after.txt" || status=$?
cat "$work/after.txt"
if [ "$status" -ne 1 ]; then
    echo "selftest: expected exit 1 after editing a quoted number, got $status" >&2
    exit 1
fi
if ! grep -q -- "^-total: 5 layers, 59009 parameters" "$work/after.txt" || ! grep -q "install.md:[0-9]*: " "$work/after.txt"; then
    echo "selftest: the failure does not show the edited line and its file" >&2
    exit 1
fi
echo "selftest: an edited quoted number fails the check"
