#!/usr/bin/env bash
# Builds the jar and runs the retention cleanup benchmark; prints its figures.
# BENCH_JOBS (default 100000) and BENCH_BATCH (default 1000) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
exec java -Xmx512m -cp target/scriptorium.jar bench/CleanupBenchmark.java
