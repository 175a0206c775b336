#!/usr/bin/env bash
# Measurements for "Was this helpful?" and insights (a report, not a test):
#   1. `helpsite insights` over 1,000,000 stored votes, in the layouts it reads
#      (names: empty files named for the event, as the handler writes them now;
#      files: one JSON file per event, as older handlers did; one .jsonl per day);
#   2. POST /api/feedback and /api/insights under load on 127.0.0.1 (wrk,
#      paced to ~1,000 req/s), and 10,000 votes posted then counted in the archive.
#
#   bash bench/insights/run.sh [VOTES]        # default 1,000,000
#
# Needs wrk and python3. Builds with the `profiling` profile (release speed,
# no LTO) into "$CARGO_TARGET_DIR-prof". Scratch in BENCH_WORK (/tmp/helpsite-insights-bench).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VOTES="${1:-1000000}"
WORK="${BENCH_WORK:-/tmp/helpsite-insights-bench}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}-prof"
mkdir -p "$WORK"

CARGO_TARGET_DIR="$TARGET" cargo build -q --locked --profile profiling -p generator --bin helpsite
CARGO_TARGET_DIR="$TARGET" cargo build -q --locked --profile profiling -p handler --no-default-features --example signals_server
cp "$TARGET/profiling/helpsite" "$WORK/helpsite"
cp "$TARGET/profiling/examples/signals_server" "$WORK/signals_server"

echo "== helpsite insights over $VOTES votes"
for layout in names jsonl files; do
  dir="$WORK/archive-$layout-$VOTES"
  [ -d "$dir" ] || python3 "$ROOT/bench/insights/make_archive.py" "$dir" --votes "$VOTES" --layout "$layout"
  sync
  for run in 1 2 3; do
    start=$(date +%s.%N)
    "$WORK/helpsite" insights --archive "$dir" --format json > "$WORK/report-$layout.json"
    end=$(date +%s.%N)
    printf 'layout=%s run=%d seconds=%.2f events=%s\n' "$layout" "$run" "$(echo "$end - $start" | bc)" \
      "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"])' "$WORK/report-$layout.json")"
  done
done

echo "== --compact on a hard-linked copy of the one-file-per-event archive, then reading it"
copy="$WORK/archive-compacted-$VOTES"
rm -rf "$copy" && mkdir -p "$copy" && cp -al "$WORK/archive-files-$VOTES/." "$copy"
start=$(date +%s.%N)
"$WORK/helpsite" insights --archive "$copy" --compact --format json > "$WORK/report-compacted.json"
end=$(date +%s.%N)
printf 'compact+report seconds=%.2f\n' "$(echo "$end - $start" | bc)"
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$WORK/helpsite" insights --archive "$copy" --format json > "$WORK/report-compacted.json"
  end=$(date +%s.%N)
  printf 'layout=compacted run=%d seconds=%.2f\n' "$run" "$(echo "$end - $start" | bc)"
done
cmp <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r.pop("events"); print(json.dumps(r, sort_keys=True))' "$WORK/report-files.json") \
    <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r.pop("events"); print(json.dumps(r, sort_keys=True))' "$WORK/report-compacted.json") \
  && echo "the compacted archive reports the same as the original"

echo "== the endpoints under load"
site="$WORK/site-root"
rm -rf "$site" && mkdir -p "$site"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$WORK/signals_server" "$site" "$port" > "$WORK/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
for path in /api/feedback /api/insights; do
  echo "-- $path, paced ~1,000 req/s (10 connections, 10 ms apart), 10 s"
  BENCH_PATH=$path BENCH_DELAY=10 wrk -t 2 -c 10 -d 10s --latency -s "$ROOT/bench/insights/vote.lua" "http://127.0.0.1:$port" | grep '^BENCH'
done
echo "-- 10,000 votes posted (every 10th twice), then counted"
python3 "$ROOT/bench/insights/post_votes.py" "$port" "$site/.archive" 10000
