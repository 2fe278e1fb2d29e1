#!/usr/bin/env bash
# Memory footprint of each kind of process, for sizing Kubernetes requests and limits (k8s/, worker/, scheduler/).
#
# Starts the packaged jar as `serve` (embedded PostgreSQL, S3 and Redis) with WORKER_SLOTS=2 and a synthetic model
# with the dimensions of BENCH_DIMS (base: what the manifests' ggml-base.en.bin has), uploads BENCH_SECONDS (300)
# of audio, and samples the resident memory (VmRSS, from /proc) of the server JVM and of each sandboxed child twice
# a second until the job completes. Prints the peaks. The server JVM holds the web, scheduler and worker parts at
# once, so its peak is an upper bound for each of those roles alone. Needs ffmpeg and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
dims=${BENCH_DIMS:-base}
seconds=${BENCH_SECONDS:-300}
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

java -jar target/scriptorium.jar models synthesize "$work/model.bin" --dims "$dims" >/dev/null
ffmpeg -loglevel error -f lavfi -i "anoisesrc=d=$seconds:c=pink:a=0.1" -ar 16000 -ac 1 "$work/audio.wav"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
management=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

DATA_DIR="$work/data" HTTP_HOST=127.0.0.1 HTTP_PORT=$port MANAGEMENT_PORT=$management DASHBOARD_PORT=0 \
  WHISPER_MODEL="$work/model.bin" WORKER_SLOTS=2 WHISPER_THREADS=1 CHUNK_SECONDS=60 \
  WHISPER_TIMESTAMPS=false WHISPER_TEMPERATURE_FALLBACK=false \
  RATE_LIMIT_UPLOADS_PER_MINUTE=0 RATE_LIMIT_REQUESTS_PER_MINUTE=0 \
  java ${BENCH_JAVA_OPTS:-} -jar target/scriptorium.jar serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.5
done

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The sandboxed children are the server's java children; PostgreSQL and Redis are its other children.
children() { for pid in $(pgrep -P "$server"); do [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ] && echo "$pid"; done; }
idle_server=$(rss_kib "$server")
idle_child=0
for pid in $(children); do r=$(rss_kib "$pid"); [ "$r" -gt "$idle_child" ] && idle_child=$r; done

id=$(curl -fsS -F "file=@$work/audio.wav" "http://127.0.0.1:$port/api/v1/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
peak_server=0; peak_child=0; peak_children_sum=0; status=queued; started=$(date +%s)
while [ "$status" != completed ] && [ "$status" != failed ]; do
  r=$(rss_kib "$server"); [ "$r" -gt "$peak_server" ] && peak_server=$r
  sum=0
  for pid in $(children); do r=$(rss_kib "$pid"); sum=$((sum + r)); [ "$r" -gt "$peak_child" ] && peak_child=$r; done
  [ "$sum" -gt "$peak_children_sum" ] && peak_children_sum=$sum
  status=$(curl -fsS "http://127.0.0.1:$port/api/v1/jobs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
  sleep 0.5
done
elapsed=$(( $(date +%s) - started ))
mib() { echo "$(( $1 / 1024 )) MiB"; }
echo "model: synthetic, $dims dimensions, $(( $(stat -c %s "$work/model.bin") / 1048576 )) MiB; audio: $seconds s; job $status in ${elapsed} s"
echo "server JVM (web + scheduler + worker parent), idle after start:  $(mib "$idle_server")"
echo "server JVM, peak during the job:                                 $(mib "$peak_server")"
echo "one sandboxed child with the model loaded, idle:                 $(mib "$idle_child")"
echo "one sandboxed child, peak while transcribing:                    $(mib "$peak_child")"
echo "both children together, peak:                                    $(mib "$peak_children_sum")"
