#!/bin/sh
# A `vivado` for the Makefile test: takes Vivado's batch command line, runs the -source script in tclsh
# with the stub commands of vivado_stubs.tcl, and logs to $LUTHIER_STUB_LOG. Vivado's own -mode, -log,
# -journal and -notrace options are accepted and ignored.
set -eu
script=""
while [ $# -gt 0 ]; do
    case "$1" in
        -source) script="$2"; shift 2 ;;
        -tclargs) shift; break ;;
        -mode|-log|-journal) shift 2 ;;
        *) shift ;;
    esac
done
[ -n "$script" ] || { echo "fake_vivado: no -source" >&2; exit 2; }
exec tclsh "$(dirname "$0")/vivado_stubs.tcl" "${LUTHIER_STUB_LOG:?}" "$script" "$@"
