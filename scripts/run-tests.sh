#!/usr/bin/env bash
# Installs Kanal with its test tools, starts the real services the tests use (PostgreSQL and a
# WordPress from Debian's packages, when run as root on Debian), and runs the whole test suite.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --test

state_dir=${KANAL_CI_STATE:-$(mktemp -d -t kanal-ci.XXXXXX)}
export KANAL_CI_STATE=$state_dir
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    eval "$(bash .ci/setup-postgres.sh)"
    eval "$(bash .ci/setup-wordpress.sh)"
else
    echo "not root: tests that need PostgreSQL or WordPress are skipped" >&2
fi

export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
