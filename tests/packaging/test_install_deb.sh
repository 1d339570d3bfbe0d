#!/bin/sh
# Packaging test: builds the .deb with CPack, checks its metadata (Depends/Recommends, desktop file, AppStream
# metainfo, lintian), unpacks it into a scratch root (dpkg-deb -x: the installed tree, no root needed) and runs
# the installed programs from there: luthier-cli --version, luthier-cli inspect on the installed example, a
# compile + export that must take its device model from the installed share/luthier (not the source tree the
# build knows about), and the GUI on the offscreen platform with the installed example project for a few
# seconds, which must still be running and then die of the SIGTERM it is sent, not crash.
#
# Usage: test_install_deb.sh BUILD_DIR   (luthier and luthier-cli built there; ctest passes the build folder)
# Prints "N passed, 0 failed" at the end; any failure exits 1 with the reason.
set -eu

build=$(cd "$1" && pwd)
scratch=$(mktemp -d)
gui_pid=
cleanup() {
    [ -n "$gui_pid" ] && kill -KILL "$gui_pid" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass=0
start=$(date +%s)
ok() { pass=$((pass + 1)); echo "ok $pass ($(($(date +%s) - start)) s): $*"; }

command -v dpkg-deb >/dev/null || fail "dpkg-deb is not installed (scripts/deps.sh installs it)"
# The resource lookup must find the installed tree by itself, so no explicit folder may leak in.
unset LUTHIER_RESOURCE_DIR LUTHIER_DEVICE_PATH

# -- build the package -----------------------------------------------------------------------------------------
(cd "$build" && cpack -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$scratch"/out/luthier_*.deb)
[ -f "$deb" ] || fail "no .deb written"
ok "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# -- metadata ----------------------------------------------------------------------------------------------------
dpkg-deb -f "$deb" Package | grep -qx luthier || fail "package name"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libqt6core6 libqt6svg6 libgvc6 libcgraph6 libprotobuf libonnx qt6-qpa-plugins; do
    echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
if ldd "$build/bin/luthier" | grep -q qcustomplot; then
    echo "$depends" | grep -q qcustomplot || fail "Depends lacks QCustomPlot: $depends"
fi
dpkg-deb -f "$deb" Recommends | grep -q verilator || fail "Recommends lacks verilator"
dpkg-deb -f "$deb" Recommends | grep -q yosys || fail "Recommends lacks yosys"
ok "Depends: $depends"

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/luthier usr/bin/luthier-cli usr/share/luthier/devices/xc7z020.json usr/share/luthier/devices/xcvu13p.json \
         usr/share/luthier/examples/tfc_2w2a/TFC_2W2A.onnx usr/share/luthier/examples/tfc_2w2a/tfc_2w2a.luthier \
         usr/share/luthier/docs/user-guide.md usr/share/luthier/docs/tutorial.md \
         usr/share/applications/io.github.luthier.Luthier.desktop \
         usr/share/metainfo/io.github.luthier.Luthier.metainfo.xml \
         usr/share/mime/packages/io.github.luthier.Luthier.xml \
         usr/share/icons/hicolor/scalable/apps/io.github.luthier.Luthier.svg \
         usr/share/icons/hicolor/48x48/apps/io.github.luthier.Luthier.png \
         usr/share/icons/hicolor/256x256/apps/io.github.luthier.Luthier.png \
         usr/share/man/man1/luthier.1.gz usr/share/man/man1/luthier-cli.1.gz \
         usr/share/bash-completion/completions/luthier-cli \
         usr/share/doc/luthier/copyright usr/share/doc/luthier/changelog.gz; do
    [ -f "$root/$f" ] || fail "missing /$f in the package"
done
ok "package holds programs, devices, example, docs, desktop file, metainfo, MIME type, icons, man pages"

if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$root/usr/share/metainfo/io.github.luthier.Luthier.metainfo.xml" >"$scratch/as.log" 2>&1 \
        || { cat "$scratch/as.log"; fail "appstreamcli validate"; }
    ok "appstreamcli validate"
fi
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/io.github.luthier.Luthier.desktop" || fail "desktop-file-validate"
    ok "desktop-file-validate"
fi
if command -v lintian >/dev/null; then
    # Errors fail the test; warnings are printed for the record (docs/install.md says why each one remains).
    lintian --tag-display-limit 0 "$deb" >"$scratch/lintian.log" 2>&1 || true
    cat "$scratch/lintian.log"
    if grep -q '^E:' "$scratch/lintian.log"; then fail "lintian reports errors"; fi
    ok "lintian: no errors ($(grep -c '^W:' "$scratch/lintian.log" || true) warnings)"
fi

# -- the installed programs ------------------------------------------------------------------------------------
cli="$root/usr/bin/luthier-cli"
if ldd "$cli" "$root/usr/bin/luthier" | grep -q "not found"; then
    ldd "$cli" "$root/usr/bin/luthier" | grep "not found"
    fail "the installed programs miss shared libraries"
fi
version=$("$cli" --version)
[ "$version" = "luthier-cli $(dpkg-deb -f "$deb" Version)" ] || fail "--version printed '$version'"
ok "$version"

# The installed completion is the installed program's own (every command it knows), and bash completes with it.
"$cli" completion bash | cmp -s - "$root/usr/share/bash-completion/completions/luthier-cli" \
    || fail "the installed bash completion differs from \`luthier-cli completion bash\`"
completed=$(bash -c '. "$1"; COMP_WORDS=(luthier-cli comp); COMP_CWORD=1; _luthier_cli; echo "${COMPREPLY[*]}"' _ \
    "$root/usr/share/bash-completion/completions/luthier-cli")
[ "$completed" = "compile completion" ] || fail "bash completed 'luthier-cli comp' to '$completed'"
for word in tables sweep implement board completion 130 143; do
    zcat "$root/usr/share/man/man1/luthier-cli.1.gz" | grep -q "$word" || fail "the man page lacks $word"
done
ok "bash completion installed and working; the man page lists tables, sweep, implement, board, 130, 143"

example="$root/usr/share/luthier/examples/tfc_2w2a"
"$cli" inspect "$example/TFC_2W2A.onnx" >"$scratch/inspect.log" 2>&1 \
    || { cat "$scratch/inspect.log"; fail "inspect on the installed example"; }
# The example is QONNX's TFC_2W2A: 784-64-64-64-10 with 2-bit weights, 59,008 weights in all (784*64 +
# 2*64*64 + 64*10).
grep -q "total: 5 layers, 59008 parameters" "$scratch/inspect.log" || { cat "$scratch/inspect.log"; fail "inspect printed the wrong model"; }
ok "inspect on the installed example: $(grep total: "$scratch/inspect.log")"

# The device model must come from the installed tree (found next to the executable), not the source tree.
design="$scratch/design"
"$cli" compile --project "$example/tfc_2w2a.luthier" -o "$design" >"$scratch/compile.log" 2>&1 \
    || { cat "$scratch/compile.log"; fail "compile the installed example project"; }
printf '{ "pblocks": { "MatMul_20": { "col0": 0, "row0": 0, "col1": 9, "row1": 49 } } }\n' >"$scratch/c.json"
"$cli" export "$design" --vivado "$scratch/vivado out" --part xc7z020 --constraints "$scratch/c.json" \
    >"$scratch/export.log" 2>&1 || { cat "$scratch/export.log"; fail "export"; }
grep -qF "device model $root/usr/share/luthier/devices/xc7z020.json" "$scratch/export.log" \
    || { cat "$scratch/export.log"; fail "the export did not use the installed device model"; }
grep -q "create_pblock" "$scratch/vivado out/constraints/pblocks.xdc" || fail "no pblock exported"
ok "compile + export found the installed device model"

# -- the GUI, offscreen, with the installed example project --------------------------------------------------------
# A private HOME keeps the test away from the user's settings and recent files.
mkdir -p "$scratch/home"
HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" QT_QPA_PLATFORM=offscreen \
    "$root/usr/bin/luthier" "$example/tfc_2w2a.luthier" >"$scratch/gui.log" 2>&1 &
gui_pid=$!
sleep 5
kill -0 "$gui_pid" 2>/dev/null || { wait "$gui_pid" || true; cat "$scratch/gui.log"; fail "the GUI exited within 5 s"; }
kill -TERM "$gui_pid"
set +e
wait "$gui_pid"
status=$?
set -e
gui_pid=
# 143 = 128 + SIGTERM: killed by the signal it was sent, not by a crash on the way out (SIGSEGV would be 139).
[ "$status" -eq 143 ] || { cat "$scratch/gui.log"; fail "the GUI ended with status $status after SIGTERM"; }
if grep -qi "could not load the qt platform plugin\|cannot open\|not found" "$scratch/gui.log"; then
    cat "$scratch/gui.log"
    fail "the GUI reported a problem"
fi
ok "GUI ran offscreen for 5 s with the installed example and ended on SIGTERM"

echo "$pass passed, 0 failed"
