#!/usr/bin/env bash
# Opens the window, installing Kanal into .venv first only when that is needed: on the first run,
# or when pyproject.toml changed since the last install (a stamp in .venv holds its hash), so an
# everyday start does not pay for pip.
# Extra arguments go to kanal, e.g. `bash scripts/start.sh --sandbox --lang en`.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.kanal-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -x .venv/bin/kanal ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    bash scripts/bootstrap.sh
    echo "$wanted" > "$stamp"
fi
exec .venv/bin/kanal "$@"
