#!/usr/bin/env bash
# Builds the jar and runs the job status benchmark with wrk; prints requests/s and p99, with and without Redis.
# BENCH_JOBS (1000), BENCH_DURATION (20s) and BENCH_CONNECTIONS (32) change the run. Needs the wrk package.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
exec java -Xmx512m -cp target/scriptorium.jar bench/StatusBenchmark.java
