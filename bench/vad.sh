#!/usr/bin/env bash
# Builds what is missing and runs the speech detection (Silero VAD) benchmark; prints its figures. Needs ffmpeg and
# espeak-ng (and npm, curl or wget when the Silero model has to be downloaded).
# BENCH_SECONDS (default 600): length of each generated file (one half speech, one all speech).
# BENCH_THREADS (default 2): Whisper threads of the pipeline's one worker slot.
# BENCH_ROUNDS (default 3): rounds of each vad=true/vad=false pair, and of the VAD speed runs.
# VAD_MODEL: the Silero VAD v5 ONNX file; by default models/silero_vad_v5.onnx if it is there, otherwise
#   models/download.sh silero-vad fetches it (checked against its sha256) into target/bench-models.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
# SpeechScene (the generated speech files) is a test utility; test-compile runs no tests.
[ -f target/test-classes/dev/scriptorium/testing/SpeechScene.class ] || mvn -B -q -o test-compile -Dexec.skip
if [ -z "${VAD_MODEL:-}" ]; then
    if [ -f models/silero_vad_v5.onnx ]; then
        VAD_MODEL=models/silero_vad_v5.onnx
    else
        [ -f target/bench-models/silero_vad_v5.onnx ] || models/download.sh silero-vad target/bench-models >&2
        VAD_MODEL=target/bench-models/silero_vad_v5.onnx
    fi
fi
export VAD_MODEL
# Everything the run writes goes into one temp directory, removed at the end: the generated files, the data
# directory, the ONNX Runtime and whisper.cpp natives (here and in the sandboxed child, which inherits
# java.io.tmpdir), and the device id ONNX Runtime keeps under XDG_CACHE_HOME.
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-vad-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"
# whisper.cpp's model-load report goes to stderr (the engine logs it at debug); drop only that.
java -Xmx512m -Djava.io.tmpdir="$work" -cp target/scriptorium.jar:target/test-classes bench/VadBenchmark.java \
    2> >(grep -v '^whisper_' >&2)
