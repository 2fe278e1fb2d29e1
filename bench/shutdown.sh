#!/usr/bin/env bash
# How long `serve` takes to stop after SIGTERM to its whole process group (as systemd and Kubernetes stop it) while
# two jobs are being transcribed, and whether anything of it is left running. Runs BENCH_ROUNDS (3) rounds on one
# data directory: each starts `serve` in a session of its own (setsid), uploads two files of BENCH_SECONDS (600) s of
# audio, waits until both are transcribing, sends SIGTERM to the group and times the exit. A last start checks that
# every job interrupted this way completes. Needs ffmpeg, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${BENCH_ROUNDS:-3}
seconds=${BENCH_SECONDS:-600}
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill -KILL -- "-$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

java -jar target/scriptorium.jar models synthesize "$work/model.bin" --dims tiny >/dev/null
ffmpeg -loglevel error -f lavfi -i "anoisesrc=d=$seconds:c=pink:a=0.1" -ar 16000 -ac 1 "$work/audio.wav"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
management=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port/api/v1/jobs"

start_serve() {
  DATA_DIR="$work/data" HTTP_HOST=127.0.0.1 HTTP_PORT=$port MANAGEMENT_PORT=$management DASHBOARD_PORT=0 \
    WHISPER_MODEL="$work/model.bin" WORKER_SLOTS=2 WHISPER_THREADS=1 \
    WHISPER_TIMESTAMPS=false WHISPER_TEMPERATURE_FALLBACK=false \
    RATE_LIMIT_UPLOADS_PER_MINUTE=0 RATE_LIMIT_REQUESTS_PER_MINUTE=0 \
    setsid java -jar target/scriptorium.jar serve >>"$work/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
    sleep 0.2
  done
  echo "serve was not ready within 60 s" >&2; exit 1
}
transcribing() { curl -fsS "$api?status=processing" | grep -o '"stage":"transcribing"' | wc -l; }
# Running processes only: a zombie has exited and holds nothing but its pid until init reaps it.
group_left() { ps -e -o pgid= -o stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ {n++} END {print n + 0}'; }
running() { [ -r "/proc/$1/stat" ] && ! sed 's/.*) //' "/proc/$1/stat" | grep -q '^Z'; }

ids=()
worst=0
for round in $(seq 1 "$rounds"); do
  start_serve
  for _ in 1 2; do
    ids+=("$(curl -fsS -F "file=@$work/audio.wav" "$api" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
  done
  for _ in $(seq 1 300); do [ "$(transcribing)" -ge 2 ] && break; sleep 0.2; done
  postmaster=$(head -n 1 "$work/data/postgres/postmaster.pid")
  started=$(date +%s%N)
  kill -TERM -- "-$server"
  while kill -0 "$server" 2>/dev/null; do sleep 0.05; done
  millis=$(( ($(date +%s%N) - started) / 1000000 ))
  left=$(group_left "$server")
  running "$postmaster" && left=$((left + 1))
  echo "round $round: stopped in $millis ms after SIGTERM to the process group, two jobs transcribing; processes left: $left"
  [ "$millis" -gt "$worst" ] && worst=$millis
  server=
done
echo "slowest stop: $worst ms of $rounds"

start_serve
for id in "${ids[@]}"; do
  for _ in $(seq 1 1200); do
    status=$(curl -fsS "$api/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    [ "$status" = completed ] || [ "$status" = failed ] && break
    sleep 1
  done
  echo "job $id after the stops: $status"
done
kill -TERM -- "-$server"; wait "$server" 2>/dev/null || true; server=
