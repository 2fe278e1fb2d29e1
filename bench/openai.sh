#!/usr/bin/env bash
# Builds what is missing and runs the OpenAI-compatible API benchmark: /v1/audio/transcriptions against the native
# upload-then-poll path on the same file; prints its figures. Needs ffmpeg and espeak-ng.
# BENCH_SECONDS (default 120), BENCH_THREADS (default 2) and BENCH_ROUNDS (default 5) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
# SpeechScene (the generated speech file) is a test utility; test-compile runs no tests.
[ -f target/test-classes/dev/scriptorium/testing/SpeechScene.class ] || mvn -B -q -o test-compile -Dexec.skip
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-openai-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
# whisper.cpp's model-load report goes to stderr (the engine logs it at debug); drop only that.
java -Xmx512m -Djava.io.tmpdir="$work" -cp target/scriptorium.jar:target/test-classes bench/OpenAiBenchmark.java \
    2> >(grep -v '^whisper_' >&2)
