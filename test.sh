#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against dynalite, fake upstreams and the dev server.
set -euo pipefail
cd "$(dirname "$0")"
. ./java-home.sh
[ -d node_modules/dynalite ] || npm ci --no-audit --no-fund --loglevel=error
exec mvn -B verify "$@"
