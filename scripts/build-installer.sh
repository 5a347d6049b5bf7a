#!/usr/bin/env bash
# Compiles Kanal's Windows installers on Linux: the per-machine MSI (packaging/windows/kanal.wxs,
# with wixl from msitools) and the per-user setup (packaging/windows/kanal-user.nsi, makensis),
# then checks the MSI's tables (version, upgrade code, MajorUpgrade, Start-menu shortcut, icon).
#
# The installers wrap the Windows build (dist/kanal with kanal.exe and kanalw.exe, made by
# PyInstaller on Windows). PyInstaller cannot cross-compile, so on Linux that folder normally
# does not exist and this script stages a DUMMY tree with the expected file names instead:
# the MSI and setup it makes then only prove that the installer definitions compile and hold
# what IT needs. THEY ARE NOT FOR SHIPPING. The real ones come from .github/workflows/windows.yml.
#
# Usage: bash scripts/build-installer.sh [DIST_DIR]   (default dist/kanal)
# Output: dist/installer/Kanal-<version>-x64.msi and Kanal-<version>-user-setup.exe
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
source_dir=${1:-dist/kanal}
work=build/installer
out=dist/installer
rm -rf "$work" "$out"
mkdir -p "$work" "$out"

# wixl/msitools and NSIS come from Debian; install them when we can (CI runs as root).
if ! command -v wixl >/dev/null || ! command -v wixl-heat >/dev/null || ! command -v makensis >/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wixl msitools nsis >/dev/null
    else
        echo "build-installer: needs wixl, wixl-heat (msitools) and makensis (nsis)" >&2
        exit 1
    fi
fi

version=$("$python" -c "import desktop_app; print(desktop_app.__version__)")

if [ -f "$source_dir/kanal.exe" ] && [ -f "$source_dir/kanalw.exe" ]; then
    echo "build-installer: packaging the Windows build in $source_dir" >&2
    dummy=false
else
    echo "build-installer: NOTE: no Windows build in $source_dir (PyInstaller builds per OS)." >&2
    echo "build-installer: NOTE: compiling against a DUMMY tree with the expected file names;" >&2
    echo "build-installer: NOTE: the installers made here check the definitions only - NOT FOR SHIPPING." >&2
    source_dir="$work/dummy/kanal"
    mkdir -p "$source_dir/_internal/desktop_app/resources/translations"
    for name in kanal.exe kanalw.exe _internal/python311.dll _internal/base_library.zip \
                _internal/desktop_app/resources/translations/kanal_sv.qm; do
        printf 'dummy file standing in for %s (scripts/build-installer.sh)\n' "$name" >"$source_dir/$name"
    done
    dummy=true
fi

"$python" packaging/make_icon.py "$work/icon"
icon="$work/icon/kanal.ico"  # relative: wixl cannot open absolute paths

# The file list is generated from the folder, so it never drifts from what PyInstaller made.
(cd "$(dirname "$source_dir")" && find "$(basename "$source_dir")" -type f | sort) \
    | wixl-heat -p "$(basename "$source_dir")/" --component-group KanalFiles \
        --var var.SourceDir --directory-ref INSTALLDIR --win64 >"$work/files.wxs"

msi="$out/Kanal-$version-x64.msi"
wixl -a x64 -D Version="$version" -D Win64=yes -D SourceDir="$source_dir" -D IconFile="$icon" \
    -o "$msi" packaging/windows/kanal.wxs "$work/files.wxs"

setup="$out/Kanal-$version-user-setup.exe"
makensis -V2 -DVERSION="$version" -DSOURCE_DIR="$(cd "$source_dir" && pwd)" -DICON="$(pwd)/$icon" \
    -DOUTFILE="$(pwd)/$setup" packaging/windows/kanal-user.nsi

# What IT relies on is really in the MSI.
check() {
    if ! grep -q -- "$2" <<<"$3"; then
        echo "build-installer: the MSI lacks $1" >&2
        exit 1
    fi
}
properties=$(msiinfo export "$msi" Property)
check "its version" "ProductVersion.$version" "$properties"
check "the fixed UpgradeCode" "UpgradeCode.{b3623784-8855-4814-b80c-14c98a4b0086}" "$properties"
check "its icon in Apps & features" "ARPPRODUCTICON.kanal.ico" "$properties"
check "a per-machine install" "ALLUSERS.1" "$properties"
check "MajorUpgrade (RemoveExistingProducts)" "RemoveExistingProducts" \
    "$(msiinfo export "$msi" InstallExecuteSequence)"
check "the downgrade guard" "WIX_DOWNGRADE_DETECTED" "$(msiinfo export "$msi" Upgrade)"
check "the Start-menu shortcut" "ProgramMenuFolder.Kanal" "$(msiinfo export "$msi" Shortcut)"
check "kanal.exe" "kanal.exe" "$(msiinfo export "$msi" File)"
check "kanalw.exe" "kanalw.exe" "$(msiinfo export "$msi" File)"

"$python" - "$msi" "$setup" "$dummy" <<'EOF'
import json, os, sys
msi, setup, dummy = sys.argv[1:]
print(json.dumps({
    "msi": msi, "msi_bytes": os.path.getsize(msi),
    "user_setup": setup, "user_setup_bytes": os.path.getsize(setup),
    "dummy_tree": dummy == "true",
}))
EOF
