#!/usr/bin/env bash
# Builds the jar and runs the search benchmark (SearchBenchmark.java) on an embedded PostgreSQL; prints p50 and p99
# per kind of query over BENCH_SEGMENTS (100000) segments. BENCH_QUERIES (200) sets the queries per kind.
# Run it alone: the machine's noise is in every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
exec java -Xmx512m -cp target/scriptorium.jar bench/SearchBenchmark.java
