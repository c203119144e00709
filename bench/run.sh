#!/usr/bin/env bash
# Runs the side-by-side benchmark (direct, Switchboard, Portkey) and writes docs/BENCHMARKS.md.
# Usage: ./bench/run.sh [--quick | --smoke] [--no-peer] [--out=FILE] [--baseline-classpath=CP] [--budget=USD]
set -euo pipefail
cd "$(dirname "$0")/.."
. ./java-home.sh
[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
[ -d bench/node_modules/@portkey-ai/gateway ] || npm ci --prefix bench --no-audit --no-fund --loglevel=error
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package
exec java -Dbench.command="./bench/run.sh${*:+ $*}" -cp "bench/target/classes:bench/target/lib/*" \
  dev.switchboard.bench.Bench "$@"
