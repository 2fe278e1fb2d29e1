#!/usr/bin/env bash
# What the transcribe command adds to the server's own work. Starts serve (embedded defaults, a synthetic model) as a
# process, then runs `transcribe --server ... --json` on BENCH_FILES (8) tones of BENCH_SECONDS (20) s with
# --parallel BENCH_PARALLEL (2), and prints:
# - the batch's wall time and the command's peak memory (RSS, from /usr/bin/time);
# - the server's span (first job created to last job completed, from the jobs API) and the wall time beyond it;
# - per file, the command's time (lookup, upload, waiting, downloading the outputs) minus its job's own time
#   (created_at to completed_at): p50 and max;
# - a rerun with every output in place (all skipped), and a rerun with the outputs deleted (every job picked up by its
#   Idempotency-Key, nothing uploaded), with the number of jobs on the server after each.
# Needs ffmpeg, curl, python3 and /usr/bin/time. Run it alone: the machine's noise is in every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
files=${BENCH_FILES:-8}
seconds=${BENCH_SECONDS:-20}
parallel=${BENCH_PARALLEL:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-transcribe-bench.XXXXXX")
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
jar=$(pwd)/target/scriptorium.jar
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
java -jar "$jar" models synthesize "$work/model.bin" >/dev/null
mkdir -p "$work/media"
for i in $(seq 1 "$files"); do
  ffmpeg -loglevel error -nostdin -f lavfi -i "sine=frequency=$((200 + 30 * i)):duration=$seconds" -ac 1 \
      "$work/media/tone-$i.wav"
done
port=$(free_port); management=$(free_port)
(cd "$work" && exec env DATA_DIR="$work/data" HTTP_HOST=127.0.0.1 HTTP_PORT="$port" MANAGEMENT_PORT="$management" \
    DASHBOARD_PORT=0 WHISPER_MODEL="$work/model.bin" RATE_LIMIT_UPLOADS_PER_MINUTE=0 \
    RATE_LIMIT_REQUESTS_PER_MINUTE=0 java -jar "$jar" serve >"$work/serve.log" 2>&1) &
serve_pid=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$management/readyz" 2>/dev/null && break; sleep 1; done
server="http://127.0.0.1:$port"
run() {
  /usr/bin/time -f "%M %e" -o "$work/$1.time" java -jar "$jar" transcribe "$work/media" --server "$server" --json \
      --parallel "$parallel" --format srt,json >"$work/$1.jsonl" || true
}
run first
run skipped
rm -f "$work"/media/*.srt "$work"/media/*.json
run picked
python3 - "$work" "$server" "$files" "$seconds" "$parallel" <<'PY'
import json, statistics, sys, urllib.request
from datetime import datetime
work, server, files, seconds, parallel = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
def at(text): return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
def summary(name): return [json.loads(line) for line in open(f"{work}/{name}.jsonl")][-1]
def timing(name):
    rss_kb, wall = open(f"{work}/{name}.time").read().split()[-2:]
    return float(wall), int(rss_kb) / 1024
def jobs_on_server():
    seen = set()
    for name in ("first", "skipped", "picked"):
        seen.update(row["job_id"] for row in summary(name)["files"] if row["job_id"])
    return len(seen)
first = summary("first")
wall, rss = timing("first")
spans, overheads = [], []
for row in first["files"]:
    job = json.load(urllib.request.urlopen(f"{server}/api/v1/jobs/{row['job_id']}"))
    span = at(job["completed_at"]) - at(job["created_at"])
    spans.append((at(job["created_at"]), at(job["completed_at"])))
    overheads.append(row["seconds"] - span)
server_span = max(end for _, end in spans) - min(start for start, _ in spans)
states = sorted({row["state"] for row in first["files"]})
print(f"batch: {files} files of {seconds:.0f} s, --parallel {parallel}, exit status {first['exit_status']},"
      f" states {states}")
print(f"first run: wall {wall:.1f} s, peak RSS of the command {rss:.0f} MB; server span {server_span:.1f} s"
      f" (first job created to last completed); wall beyond the span {wall - server_span:.1f} s"
      f" (JVM start, the preflight, the first upload, the last download)")
print(f"per file, the command's time minus its job's own: p50 {statistics.median(overheads) * 1000:.0f} ms,"
      f" max {max(overheads) * 1000:.0f} ms")
for name, label in (("skipped", "rerun, outputs in place"), ("picked", "rerun, outputs deleted")):
    result = summary(name)
    wall, rss = timing(name)
    counts = {}
    for row in result["files"]:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    print(f"{label}: wall {wall:.1f} s, peak RSS {rss:.0f} MB, files {counts}, exit status {result['exit_status']}")
print(f"distinct job ids over the three runs: {jobs_on_server()} (files: {files}; a rerun that uploaded again would add new ones)")
PY
