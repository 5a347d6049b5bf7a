#!/usr/bin/env bash
# Installs Kanal into .venv (first run only takes a while) and opens the window.
# Extra arguments go to kanal, e.g. `bash scripts/start.sh --sandbox --lang en`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/kanal "$@"
