#!/usr/bin/env bash
# Whether the tests that run real jobs still pass when the machine is busy, and what the load costs them: runs the
# sandbox and pipeline test classes once on a quiet machine and once beside a CPU hog (BENCH_HOGS busy loops, one
# per core by default, at normal priority), and prints each run's wall time, its test counts and its result.
# Needs what the test command needs (PostgreSQL, Redis, ffmpeg, espeak-ng). Run it alone.
set -euo pipefail
cd "$(dirname "$0")/.."
hogs=${BENCH_HOGS:-$(nproc)}
tests='dev.scriptorium.sandbox.*Test,dev.scriptorium.pipeline.*Test'
mvn -B -q test-compile
hog_pids=()
stop_hogs() {
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  hog_pids=()
}
trap stop_hogs EXIT

run() {
  local label=$1 log
  log=$(mktemp)
  local started=$SECONDS status=passed
  mvn -B test -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 || status=FAILED
  local counts
  counts=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log" \
    | tail -n 1 | sed 's/^\[[A-Z]*\] //')
  echo "$label: $((SECONDS - started)) s, $counts, $status"
  if [ "$status" = FAILED ]; then grep -E '^\[ERROR\]   ' "$log" | head -n 20; fi
  rm -f "$log"
}

run "quiet machine"
for _ in $(seq 1 "$hogs"); do
  sh -c 'while :; do :; done' &
  hog_pids+=($!)
done
echo "started $hogs busy loops beside the tests"
run "beside a CPU hog"
stop_hogs
