#!/usr/bin/env bash
# Builds the jar if needed and runs the media-by-URL benchmark: one serve fetches BENCH_URL_BYTES (1 GiB) of
# pseudo-random bytes from a local source server through the ingest queue; prints the download speed, the ingest's
# timeline and the heap's peak during it. No extra packages; needs about 3 x BENCH_URL_BYTES of free disk in TMPDIR.
# BENCH_URL_BYTES (1073741824) and BENCH_ROUNDS (1) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-url-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
# whisper.cpp's model-load report goes to stderr (the engine logs it at debug); drop only that.
java -Xmx512m -Djava.io.tmpdir="$work" -cp target/scriptorium.jar bench/UrlIngestBenchmark.java \
    2> >(grep -v '^whisper_' >&2)
