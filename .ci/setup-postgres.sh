#!/usr/bin/env bash
# Installs (if missing) and starts a local PostgreSQL, creates the throwaway role and database
# `kanal_test`, and prints ONE line on stdout for the tests:
#   export KANAL_TEST_POSTGRES_URL=postgresql+psycopg://kanal_test:...@127.0.0.1:5432/kanal_test
# Use:  eval "$(.ci/setup-postgres.sh)"
# Everything else goes to stderr. Safe to run again: existing role and database are reused.
set -euo pipefail

PORT="${KANAL_TEST_POSTGRES_PORT:-5432}"
ROLE="kanal_test"
DATABASE="kanal_test"
PASSWORD="${KANAL_TEST_POSTGRES_PASSWORD:-kanal_test}"  # a test-only database on loopback

say() { echo "setup-postgres: $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

server_binary() {
    ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(server_binary)" ]; then
    say "installing PostgreSQL with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2 \
        || { as_root apt-get update >&2 && as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y postgresql >&2; }
fi

VERSION="$(basename "$(dirname "$(dirname "$(server_binary)")")")"
BIN="/usr/lib/postgresql/${VERSION}/bin"

if command -v pg_lsclusters >/dev/null 2>&1; then
    if ! pg_lsclusters --no-header 2>/dev/null | awk '{print $1" "$2}' | grep -q "^${VERSION} main$"; then
        say "creating cluster ${VERSION}/main"
        as_root pg_createcluster --port "${PORT}" "${VERSION}" main >&2
    fi
    if ! pg_lsclusters --no-header | awk -v v="${VERSION}" '$1==v && $2=="main" {print $4}' | grep -q online; then
        say "starting cluster ${VERSION}/main"
        as_root pg_ctlcluster "${VERSION}" main start >&2 || as_root service postgresql start >&2
    fi
else
    as_root service postgresql start >&2
fi

say "waiting for the server on 127.0.0.1:${PORT}"
for _ in $(seq 1 60); do
    if "${BIN}/pg_isready" -q -h 127.0.0.1 -p "${PORT}"; then break; fi
    sleep 0.5
done
"${BIN}/pg_isready" -h 127.0.0.1 -p "${PORT}" >&2

psql_admin() {
    as_postgres psql -v ON_ERROR_STOP=1 -X -q -t -A -p "${PORT}" "$@"
}

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}'")" != "1" ]; then
    say "creating role ${ROLE}"
    psql_admin -c "CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'" >&2
else
    psql_admin -c "ALTER ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'")" != "1" ]; then
    say "creating database ${DATABASE}"
    psql_admin -c "CREATE DATABASE ${DATABASE} OWNER ${ROLE} ENCODING 'UTF8' TEMPLATE template0" >&2
fi

echo "export KANAL_TEST_POSTGRES_URL=postgresql+psycopg://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DATABASE}"
