#!/usr/bin/env bash
# Peak memory of the answer-level CSV export as the data grows: seeds demo
# populations of increasing size into fresh SQLite databases and runs
# `stegvis export answers` on each under GNU time. Flat peak memory means the
# export streams. Results go to docs/performance.md by hand.
#   scripts/bench-export-memory.sh [sizes...]   (default: 1000 4000 16000)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo build -p stegvis-server --release
[ -x /usr/bin/time ] || apt_install time
sizes=("${@:-1000 4000 16000}")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%-12s %-12s %-14s %-10s\n' participants answer-rows peak-RSS-MiB seconds
for n in ${sizes[*]}; do
  dir="$work/$n"
  STEGVIS_DATA_DIR="$dir" "$SERVER_BIN" demo --participants "$n" >/dev/null
  start=$(date +%s.%N)
  peak_kib=$( { STEGVIS_DATA_DIR="$dir" STEGVIS_LOG=warn /usr/bin/time -f '%M' \
      "$SERVER_BIN" export answers --format csv --output "$dir/svar.csv" 2>&1 >/dev/null; } | tail -1)
  end=$(date +%s.%N)
  rows=$(( $(wc -l < "$dir/svar.csv") - 1 ))
  printf '%-12s %-12s %-14s %-10s\n' "$n" "$rows" "$(( peak_kib / 1024 ))" "$(echo "$end - $start" | bc)"
done
