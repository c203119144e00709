#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against dynalite, fake upstreams and the dev server.
set -euo pipefail
cd "$(dirname "$0")"
. ./java-home.sh
# npm records what it installed in node_modules/.package-lock.json; reinstall when the lockfile is newer
[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
exec mvn -B verify "$@"
