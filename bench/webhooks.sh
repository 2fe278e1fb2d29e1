#!/usr/bin/env bash
# Builds the jar if needed and runs the webhook delivery benchmark: BENCH_JOBS short jobs, each with a webhook_url on a
# receiver in the benchmark's JVM; prints how many events arrived, their latency after each job's completed_at,
# duplicates and verified signatures. Needs ffmpeg.
# BENCH_JOBS (200), BENCH_SLOTS (2), BENCH_THREADS (1), BENCH_WINDOW (4 x slots), BENCH_SECONDS (1.5) and
# BENCH_GRACE_SECONDS (15) change the run. Every job runs Whisper: 200 jobs take about 4 minutes on 2 quiet cores.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-webhook-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
# whisper.cpp's model-load report goes to stderr (the engine logs it at debug); drop only that.
java -Xmx512m -Djava.io.tmpdir="$work" -cp target/scriptorium.jar bench/WebhookBenchmark.java \
    2> >(grep -v '^whisper_' >&2)
