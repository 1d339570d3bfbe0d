#!/usr/bin/env bash
# Reruns every command output the docs quote (README.md, docs/*.md: a fenced block after an
# `<!-- example: CMD -->` marker) and fails with a diff per block when a doc differs from the real output.
#   scripts/docs-examples.sh [--check] [--cli build/bin/luthier-cli] [FILE_OR_DIR...]   compare (exit 1 on drift)
#   scripts/docs-examples.sh --update [...]                                              rewrite the blocks
# The marker syntax (masks for seconds and paths, `...` lines) is described in scripts/docs_examples.py.
# ctest runs the check as test docs_examples (label docs).
set -euo pipefail
exec python3 "$(dirname "$0")/docs_examples.py" "$@"
