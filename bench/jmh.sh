#!/usr/bin/env bash
# Runs the hot-path micro-benchmarks (JMH) with short iterations; extra arguments go to JMH
# (e.g. ./bench/jmh.sh Relay -f 2 -wi 5 -i 10). Writes the figures into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. ./java-home.sh
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl bench -am package
mkdir -p bench/target
java -cp "bench/target/classes:bench/target/lib/*" org.openjdk.jmh.Main \
  -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff bench/target/jmh.json "$@"
java -cp "bench/target/classes:bench/target/lib/*" dev.switchboard.bench.jmh.JmhReport \
  bench/target/jmh.json docs/BENCHMARKS.md "./bench/jmh.sh${*:+ $*}"
