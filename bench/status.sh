#!/usr/bin/env bash
# Builds the jar and runs the job status benchmark with wrk; prints requests/s and p99, with and without Redis.
# BENCH_JOBS (1000), BENCH_DURATION (20s), BENCH_CONNECTIONS (32) and BENCH_JAVA_OPTS change the run. Needs wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
# The parallel collector by default: on 2 cores it gave 14.6k requests/s and p99 13.9 ms against G1's 11.8-12.8k and
# 18.7-21.1 ms (see bench/README.md). BENCH_JAVA_OPTS= (empty) runs the JVM's default collector.
exec java -Xmx512m ${BENCH_JAVA_OPTS--XX:+UseParallelGC} -cp target/scriptorium.jar bench/StatusBenchmark.java
