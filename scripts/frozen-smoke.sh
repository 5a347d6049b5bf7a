#!/usr/bin/env bash
# Builds the frozen app from packaging/kanal.spec and checks that it works, the way a user runs it:
# --version, text measure, draft new --json, draft list, history export --format pdf,
# history verify, policy show, and the window in practice mode for ten seconds (offscreen), each
# with nothing on stderr. Exits non-zero on any failure. Prints one JSON line at the end:
# bundle size, build time and the frozen start-up times.
#
# Linux (CI, .ci/run) and Windows (Git Bash on the GitHub runner, .github/workflows/windows.yml).
# Usage: bash scripts/frozen-smoke.sh [--no-build]   (--no-build: test dist/kanal as it is)
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*) exe=".exe"; python=${PYTHON:-.venv/Scripts/python.exe} ;;
    *) exe=""; python=${PYTHON:-.venv/bin/python} ;;
esac
dist=dist/kanal
kanal="$dist/kanal$exe"

build_s=null
if [ "${1:-}" != "--no-build" ]; then
    # The pinned PyInstaller of the `build` extra (pyproject.toml).
    "$python" -m pip install -q -e ".[build]"
    start=$(date +%s.%N)
    "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
        --workpath build/pyinstaller --distpath dist packaging/kanal.spec
    build_s=$("$python" -c "import time; print(round(time.time() - $start, 1))")
fi
[ -x "$kanal" ] || { echo "frozen-smoke: $kanal was not built" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Paths handed to the Windows programs in environment variables: Windows form under Git Bash.
native() { if [ -n "$exe" ]; then cygpath -w "$1"; else printf '%s\n' "$1"; fi; }
export KANAL_DATA_DIR="$(native "$work/data")"
export KANAL_POLICY_FILE="$(native "$work/no-policy.json")"  # this machine's policy must not interfere
export QT_QPA_PLATFORM=offscreen
unset KANAL_DATABASE_URL HTTP_PROXY HTTPS_PROXY http_proxy https_proxy || true

failures=0
# run NAME COMMAND...: the command must exit 0 and write nothing on stderr.
run() {
    local name=$1
    shift
    if "$@" >"$work/$name.out" 2>"$work/$name.err" && [ ! -s "$work/$name.err" ]; then
        echo "frozen-smoke: ok   $name" >&2
    else
        echo "frozen-smoke: FAIL $name (exit $?)" >&2
        sed 's/^/    /' "$work/$name.err" "$work/$name.out" | head -40 >&2
        failures=$((failures + 1))
    fi
}

version_start=$(date +%s.%N)
run version "$kanal" --version
version_end=$(date +%s.%N)
grep -q "^kanal " "$work/version.out" || { echo "frozen-smoke: --version printed nothing" >&2; failures=$((failures + 1)); }
run text-measure "$kanal" text measure --network x "Hej världen, åäö 😀 https://example.se"
run draft-new "$kanal" draft new --json --text "Frusen rök-test: åäö 😀"
"$python" -c "import json,sys; d=json.load(open(sys.argv[1], encoding='utf-8')); assert d['id']" \
    "$work/draft-new.out" || { echo "frozen-smoke: draft new --json is not JSON" >&2; failures=$((failures + 1)); }
run draft-list "$kanal" draft list
grep -q "Frusen" "$work/draft-list.out" || { echo "frozen-smoke: draft list lacks the draft" >&2; failures=$((failures + 1)); }
run history-export-pdf "$kanal" history export --format pdf --output "$work/history.pdf"
head -c 5 "$work/history.pdf" 2>/dev/null | grep -q "%PDF-" || { echo "frozen-smoke: no PDF written" >&2; failures=$((failures + 1)); }
run history-verify "$kanal" history verify
run policy-show "$kanal" policy show --json

# The window in practice mode, in Swedish: still running after ten seconds, shown, and nothing
# on stderr (a missing translation or style sheet is logged there before the log file opens).
window_start=$(date +%s.%N)
set +e
timeout 10 "$kanal" --sandbox --lang sv >"$work/window.out" 2>"$work/window.err"
window_rc=$?
set -e
events="$work/data/practice/logs/kanal.jsonl"
if [ "$window_rc" -ne 124 ] || [ -s "$work/window.err" ] || ! grep -q '"window_shown"' "$events" 2>/dev/null; then
    echo "frozen-smoke: FAIL window (exit $window_rc; 124 = still running after 10 s)" >&2
    sed 's/^/    /' "$work/window.err" | head -40 >&2
    failures=$((failures + 1))
else
    echo "frozen-smoke: ok   window (practice mode, 10 s)" >&2
fi

"$python" - "$dist" "$build_s" "$version_start" "$version_end" "$window_start" "$(native "$events")" <<'EOF'
import json, os, sys
dist, build_s, v0, v1, w0, events = sys.argv[1:]
paths = (os.path.join(d, f) for d, _, fs in os.walk(dist) for f in fs)
size = sum(os.path.getsize(p) for p in paths if not os.path.islink(p))  # links count once
shown = None
if os.path.exists(events):
    for line in open(events, encoding="utf-8"):
        if '"window_shown"' in line:
            shown = round(json.loads(line)["ts"] - float(w0), 2)
            break
print(json.dumps({
    "bundle_bytes": size,
    "bundle_mb": round(size / 1e6, 1),
    "build_s": None if build_s == "null" else float(build_s),
    "frozen_version_s": round(float(v1) - float(v0), 2),
    "frozen_window_shown_s": shown,
}))
EOF

if [ "$failures" -ne 0 ]; then
    echo "frozen-smoke: $failures check(s) failed" >&2
    exit 1
fi
