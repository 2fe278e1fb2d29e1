#!/usr/bin/env bash
# Builds the jar and runs the Whisper engine benchmark; prints its figures. Needs ffmpeg and espeak-ng.
# BENCH_SECONDS (default 120), BENCH_THREADS (default 2) and BENCH_ROUNDS (default 3) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
# whisper-jni leaves whisper.cpp's model-load report on stderr (our engine logs it at debug); drop only that.
exec java -Xmx512m -cp target/scriptorium.jar bench/EngineBenchmark.java 2> >(grep -v '^whisper_' >&2)
