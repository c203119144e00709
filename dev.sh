#!/usr/bin/env bash
# Runs the gateway locally at http://localhost:${PORT:-8080}, with dynalite as its DynamoDB.
set -euo pipefail
cd "$(dirname "$0")"
. ./java-home.sh
# npm records what it installed in node_modules/.package-lock.json; reinstall when the lockfile is newer
[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl local -am package
exec java -Dsun.net.httpserver.nodelay=true -cp "local/target/classes:local/target/lib/*" dev.switchboard.local.DevServer
