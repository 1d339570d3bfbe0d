#!/usr/bin/env bash
# Style checks, run by scripts/test.sh (stage "lint") and by hand before a commit:
#   1. clang-format (.clang-format) on every tracked C++ file: the tree is formatted, so a diff is a failure;
#      `scripts/lint.sh --fix` reformats instead.
#   2. clang-tidy (.clang-tidy's agreed check set) on the C++ sources changed since LUTHIER_LINT_BASE
#      (default HEAD~1: the newest commit), against build/compile_commands.json (run scripts/build.sh first).
#      A finding is a failure. Tidy takes seconds per file, so the whole tree is not checked on every run.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
[ "${1:-}" = "--fix" ] && fix=1

mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "$fix" -eq 1 ]; then
    clang-format -i "${files[@]}"
    echo "lint: reformatted ${#files[@]} files"
    exit 0
fi

status=0
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/luthier-format.$$; then
    head -40 /tmp/luthier-format.$$
    echo "lint: clang-format would change the files above; run scripts/lint.sh --fix" >&2
    status=1
fi
rm -f /tmp/luthier-format.$$

base="${LUTHIER_LINT_BASE:-HEAD~1}"
mapfile -t changed < <(git diff --name-only --diff-filter=AM "$base" -- '*.cpp' 2>/dev/null \
    | grep -E '^(core|app|widgets)/' || true)
if [ ${#changed[@]} -gt 0 ]; then
    if [ ! -f build/compile_commands.json ]; then
        echo "lint: build/compile_commands.json is missing: run scripts/build.sh first" >&2
        exit 1
    fi
    echo "lint: clang-tidy on ${#changed[@]} file(s) changed since $base"
    if ! clang-tidy -p build --quiet --warnings-as-errors='*' "${changed[@]}" 2>/dev/null; then
        echo "lint: clang-tidy found the problems above" >&2
        status=1
    fi
fi
[ "$status" -eq 0 ] && echo "lint: clean"
exit "$status"
