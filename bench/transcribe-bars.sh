#!/usr/bin/env bash
# Shows the transcribe command's progress bars on a real terminal: runs it in a detached tmux session (120 x 16) on a
# folder of generated tones, standalone (its own serve, a synthetic model), and prints what tmux capture-pane saw a
# few times during the run, once after a Ctrl-C, and at the end. Needs tmux and ffmpeg.
# Jobs are cut in 30 s chunks (CHUNK_SECONDS, the least it takes), so that each file's percent and ETA, which come from
# its job, move while it is transcribed. BENCH_BARS_FILES (6), BENCH_BARS_SECONDS (90, the length of each tone) and
# BENCH_BARS_PARALLEL (3) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/scriptorium.jar ] || mvn -B -q package -DskipTests
files=${BENCH_BARS_FILES:-6}
seconds=${BENCH_BARS_SECONDS:-90}
parallel=${BENCH_BARS_PARALLEL:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/scriptorium-bars.XXXXXX")
session="scriptorium-bars-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf -- "$work"' EXIT
jar=$(pwd)/target/scriptorium.jar
java -jar "$jar" models synthesize "$work/model.bin" >/dev/null
mkdir -p "$work/lectures/week 1" "$work/lectures/week 2"
for i in $(seq 1 "$files"); do
  folder="week $(( (i % 2) + 1 ))"
  ffmpeg -loglevel error -nostdin -f lavfi -i "sine=frequency=$((200 + 40 * i)):duration=$seconds" -ac 1 \
      "$work/lectures/$folder/lecture-$i.wav"
done
tmux new-session -d -s "$session" -x 120 -y 16 \
    "cd '$work' && WHISPER_MODEL='$work/model.bin' CHUNK_SECONDS=30 java -jar '$jar' transcribe lectures --data-dir '$work/data' \
     --format srt,txt --parallel $parallel; echo \"exit status \$?\"; sleep 600"
capture() {
  echo "---- tmux capture-pane, $1 ----"
  tmux capture-pane -p -t "$session" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
sleep 30; capture "30 s"
sleep 20; capture "50 s"
tmux send-keys -t "$session" C-c
sleep 3; capture "53 s, after one Ctrl-C"
for _ in $(seq 1 120); do
  tmux capture-pane -p -t "$session" | grep -q "exit status" && break
  sleep 2
done
capture "the end"
