#!/usr/bin/env bash
# Resumable (tus) uploads against plain multipart ones. Starts serve (embedded defaults, a synthetic model) as a
# process, makes a file of BENCH_MB (512) MiB, and in BENCH_ROUNDS (3) alternating rounds times, until the server
# answers with the job made of the file:
# - plain: one multipart POST /api/v1/jobs;
# - tus: POST /api/v1/uploads, then one PATCH with every byte;
# - tus resumed: POST, a PATCH that stops at 40 %, HEAD for the offset, and a PATCH from there (what a client does
#   after its connection dropped, without the waiting).
# Prints each round, then the median throughput of each and the ratios to plain. Each job is canceled as soon as it
# is made, so that no transcription competes with the uploads. Needs curl and python3. Run it alone.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
megabytes=${BENCH_MB:-512}
rounds=${BENCH_ROUNDS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-uploads-bench.XXXXXX")
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
jar=$(pwd)/target/scriptorium.jar
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
java -jar "$jar" models synthesize "$work/model.bin" >/dev/null
head -c "$((megabytes * 1024 * 1024))" /dev/urandom > "$work/media.bin"
size=$(stat -c %s "$work/media.bin")
cut=$((size * 2 / 5))
head -c "$cut" "$work/media.bin" > "$work/first.bin"
tail -c +"$((cut + 1))" "$work/media.bin" > "$work/rest.bin"
port=$(free_port); management=$(free_port)
(cd "$work" && exec env DATA_DIR="$work/data" HTTP_HOST=127.0.0.1 HTTP_PORT="$port" MANAGEMENT_PORT="$management" \
    DASHBOARD_PORT=0 WHISPER_MODEL="$work/model.bin" RATE_LIMIT_UPLOADS_PER_MINUTE=0 \
    RATE_LIMIT_REQUESTS_PER_MINUTE=0 MAX_UPLOAD_BYTES=$((size + 1024)) java -jar "$jar" serve \
    >"$work/serve.log" 2>&1) &
serve_pid=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$management/readyz" 2>/dev/null && break; sleep 1; done
server="http://127.0.0.1:$port"
now() { date +%s.%N; }
cancel() { curl -fsS -o /dev/null -X POST "$server/api/v1/jobs/$1/cancel" || true; }
create() {
  local headers
  headers=$(curl -sS -D - -o "$work/create.body" -X POST "$server/api/v1/uploads" -H 'Tus-Resumable: 1.0.0' \
      -H 'Content-Length: 0' -H "Upload-Length: $size" -H "Upload-Metadata: filename $(printf 'media.bin' | base64)" \
    | tr -d '\r')
  # The Location is the upload's path on this server.
  awk 'tolower($1) == "location:" { print $2 }' <<<"$headers" | grep . \
    || { echo "no upload created: $headers $(cat "$work/create.body")" >&2; exit 1; }
}
patch() { # URL OFFSET FILE: prints the job id header, if the server sent one
  curl -fsS -D - -o /dev/null -X PATCH "$1" -H 'Tus-Resumable: 1.0.0' -H "Upload-Offset: $2" \
      -H 'Content-Type: application/offset+octet-stream' -T "$3" \
    | tr -d '\r' | awk 'tolower($1) == "scriptorium-job-id:" { print $2 }'
}
plain() {
  local start job
  start=$(now)
  job=$(curl -fsS -F "file=@$work/media.bin" "$server/api/v1/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  echo "$start $(now) $job"
}
tus_whole() {
  local start url job
  start=$(now)
  url=$server$(create)
  job=$(patch "$url" 0 "$work/media.bin")
  echo "$start $(now) $job"
}
tus_resumed() {
  local start url offset job
  start=$(now)
  url=$server$(create)
  patch "$url" 0 "$work/first.bin" >/dev/null
  offset=$(curl -fsS -I "$url" -H 'Tus-Resumable: 1.0.0' | tr -d '\r' | awk 'tolower($1) == "upload-offset:" { print $2 }')
  [ "$offset" = "$cut" ] || { echo "the server has $offset bytes, not $cut" >&2; exit 1; }
  job=$(patch "$url" "$offset" "$work/rest.bin")
  echo "$start $(now) $job"
}
results="$work/results"
: > "$results"
printf 'file: %d MiB; the server keeps partial uploads and staged files under one data directory\n' "$megabytes"
for round in $(seq 1 "$rounds"); do
  for kind in plain tus_whole tus_resumed; do
    sync
    read -r start end job < <($kind)
    [ -n "$job" ] || { echo "no job from $kind" >&2; exit 1; }
    cancel "$job"
    seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
    rate=$(python3 -c "print(f'{$size / 1048576 / ($end - $start):.0f}')")
    echo "$kind $seconds $rate" >> "$results"
    printf 'round %d  %-12s %7s s  %5s MiB/s\n' "$round" "$kind" "$seconds" "$rate"
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    kind, seconds, rate = line.split()
    rates.setdefault(kind, []).append(float(rate))
plain = statistics.median(rates["plain"])
for kind in ("plain", "tus_whole", "tus_resumed"):
    median = statistics.median(rates[kind])
    print(f"median {kind:12s} {median:6.0f} MiB/s  ({median / plain:.2f} of plain)")
PY
