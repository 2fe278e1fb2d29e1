#!/usr/bin/env bash
# Builds the jar and runs the pipeline benchmark; prints its figures. Needs ffmpeg and espeak-ng.
# BENCH_SECONDS (default 600), BENCH_THREADS (default 2) and BENCH_UPLOAD_BYTES (default 1 GiB) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
# A small heap on purpose: the 1 GiB upload must stream to disk, never into memory.
exec java -Xmx512m -cp target/scriptorium.jar bench/PipelineBenchmark.java
