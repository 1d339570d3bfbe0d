#!/bin/sh
# Packaging test: builds the .deb with CPack, unpacks it into a scratch root (dpkg -x, no root needed),
# and runs the installed programs from there: luthier-cli --version, luthier-cli inspect on the installed
# example, an export that must take its device model from the installed share/luthier (not the source
# tree), and the GUI on the offscreen platform for a few seconds. Also checks the package's metadata:
# dependencies, desktop file, AppStream metainfo and, when lintian is installed, no lintian errors.
#
# Usage: test_install_deb.sh BUILD_DIR      (the programs must be built; ctest passes the build folder)
set -eu

build=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }

command -v dpkg-deb >/dev/null || { echo "SKIP: dpkg-deb not installed"; exit 0; }

# -- build the package ---------------------------------------------------------------------------------------
(cd "$build" && cpack -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$scratch"/out/luthier_*.deb)
[ -f "$deb" ] || fail "no .deb written"
ok "built $(basename "$deb")"

# -- metadata --------------------------------------------------------------------------------------------------
dpkg-deb -f "$deb" Package | grep -qx luthier || fail "package name"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libqt6core6 libgvc6 libprotobuf libonnx qt6-qpa-plugins; do
    echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
if [ -x "$build/bin/luthier" ] && ldd "$build/bin/luthier" | grep -q qcustomplot; then
    echo "$depends" | grep -q qcustomplot || fail "Depends lacks QCustomPlot: $depends"
fi
dpkg-deb -f "$deb" Recommends | grep -q verilator || fail "Recommends lacks verilator"
dpkg-deb -f "$deb" Recommends | grep -q yosys || fail "Recommends lacks yosys"
ok "Depends: $depends"

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/luthier-cli usr/share/luthier/devices/xcvu13p.json \
         usr/share/luthier/examples/tfc_2w2a/TFC_2W2A.onnx \
         usr/share/applications/io.github.luthier.Luthier.desktop \
         usr/share/metainfo/io.github.luthier.Luthier.metainfo.xml \
         usr/share/mime/packages/io.github.luthier.Luthier.xml \
         usr/share/icons/hicolor/scalable/apps/io.github.luthier.Luthier.svg \
         usr/share/icons/hicolor/48x48/apps/io.github.luthier.Luthier.png \
         usr/share/icons/hicolor/256x256/apps/io.github.luthier.Luthier.png \
         usr/share/man/man1/luthier-cli.1.gz usr/share/doc/luthier/copyright usr/share/doc/luthier/changelog.gz; do
    [ -f "$root/$f" ] || fail "missing /$f in the package"
done
ok "package holds programs, devices, example, desktop file, metainfo, MIME type, icons, man page"

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
    # Errors fail the test; warnings are printed for the record.
    lintian --no-tag-display-limit "$deb" >"$scratch/lintian.log" 2>&1 || true
    cat "$scratch/lintian.log"
    if grep -q '^E:' "$scratch/lintian.log"; then fail "lintian reports errors"; fi
    ok "lintian: no errors"
fi

# -- the installed programs ------------------------------------------------------------------------------------
cli="$root/usr/bin/luthier-cli"
version=$("$cli" --version)
echo "$version" | grep -q "luthier-cli" || fail "--version printed: $version"
ok "$version"

"$cli" inspect "$root/usr/share/luthier/examples/tfc_2w2a/TFC_2W2A.onnx" >"$scratch/inspect.log" 2>&1 \
    || { cat "$scratch/inspect.log"; fail "inspect on the installed example"; }
grep -qi "layer\|dense\|matmul" "$scratch/inspect.log" || { cat "$scratch/inspect.log"; fail "inspect printed no layers"; }
ok "inspect on the installed example"

# The device model must come from the installed tree (found next to the executable), not the source tree.
design="$scratch/design"
"$cli" compile "$root/usr/share/luthier/examples/tfc_2w2a/TFC_2W2A.onnx" -o "$design" >"$scratch/compile.log" 2>&1 \
    || { cat "$scratch/compile.log"; fail "compile the installed example"; }
layer=$(sed -n 's/.*"name": "\([^"]*\)".*/\1/p' "$design/manifest.json" | head -1)
printf '{ "pblocks": { "%s": { "col0": 0, "row0": 0, "col1": 9, "row1": 49 } } }\n' "$layer" >"$scratch/c.json"
env -u LUTHIER_RESOURCE_DIR "$cli" export "$design" --vivado "$scratch/vivado out" --part xc7z020 \
    --constraints "$scratch/c.json" >"$scratch/export.log" 2>&1 || { cat "$scratch/export.log"; fail "export"; }
grep -qF "device model $root/usr/share/luthier/devices/xc7z020.json" "$scratch/export.log" \
    || { cat "$scratch/export.log"; fail "the export did not use the installed device model"; }
grep -q "create_pblock" "$scratch/vivado out/constraints/pblocks.xdc" || fail "no pblock exported"
ok "export found the installed device model"

# -- the GUI, offscreen, for a few seconds ---------------------------------------------------------------------
if [ -x "$root/usr/bin/luthier" ]; then
    set +e
    QT_QPA_PLATFORM=offscreen timeout 4 "$root/usr/bin/luthier" >"$scratch/gui.log" 2>&1
    status=$?
    set -e
    # 124: still running when timeout stopped it, which is what a healthy GUI does.
    [ "$status" -eq 124 ] || { cat "$scratch/gui.log"; fail "the GUI exited with status $status within 4 s"; }
    ok "GUI ran offscreen for 4 s"
fi

echo "$pass passed, 0 failed"
