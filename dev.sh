#!/usr/bin/env bash
# Runs the gateway locally at http://localhost:${PORT:-8080}, with dynalite as its DynamoDB.
set -euo pipefail
cd "$(dirname "$0")"
. ./java-home.sh
[ -d node_modules/dynalite ] || npm ci --no-audit --no-fund --loglevel=error
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl local -am package
exec java -Dsun.net.httpserver.nodelay=true -cp "local/target/classes:local/target/lib/*" dev.switchboard.local.DevServer
