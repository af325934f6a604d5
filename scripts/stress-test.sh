#!/usr/bin/env bash
# Runs one integration test many times, several copies at once, on the release
# build: a test that fails or hangs only now and then (under load, on a cold
# machine) shows itself here. Each copy has a time limit; one that overruns
# has every thread's stack written out (gdb) before it is killed, and its
# output is kept.
#
#   scripts/stress-test.sh <test file> <test name> [--runs N] [--parallel P]
#                          [--limit SECONDS] [--engine sqlite|postgres]
#
# Example: scripts/stress-test.sh authz another_organisations_participant --runs 60
# Exit status 0 only when every run passed.
source "$(dirname "$0")/lib.sh"

if [ $# -lt 2 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
file=$1 name=$2
shift 2
runs=40 parallel=4 limit=180 engine=sqlite
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$engine" = postgres ]; then
  source "$ROOT/scripts/postgres.sh"
  ensure_postgres
fi
export STEGVIS_TEST_ENGINE=$engine

cd "$ROOT"
say "Building the $file tests (release)"
bin=$(cargo test --release -p stegvis-server --test "$file" --no-run --message-format=json 2>/dev/null |
  python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    t = m.get("target") or {}
    if m.get("executable") and "test" in t.get("kind", []) and t.get("name") == sys.argv[1]:
        print(m["executable"])
' "$file" | tail -1)
[ -x "$bin" ] || { echo "no test binary for $file" >&2; exit 1; }

out=$(mktemp -d "${TMPDIR:-/tmp}/stegvis-stress.XXXXXX")
say "$runs runs of $name, $parallel at a time, ${limit}s each, on $engine (output in $out)"

# One run: the test alone, under a time limit; stacks first when it overruns.
one() {
  local n=$1 log="$out/run-$1.log"
  "$bin" "$name" --exact --test-threads 1 >"$log" 2>&1 &
  local pid=$! waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$limit" ]; then
      echo "run $n: still running after ${limit}s, stacks:" >>"$log"
      gdb -p "$pid" -batch -ex "thread apply all bt" >>"$log" 2>&1 || true
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      echo "HUNG $n"
      return
    fi
    sleep 1
    waited=$((waited + 1))
  done
  if wait "$pid"; then echo "ok $n"; else echo "FAILED $n"; fi
}
export -f one
export bin name limit out

started=$(date +%s)
seq 1 "$runs" | xargs -P "$parallel" -I{} bash -c 'one {}' | tee "$out/summary"
passed=$(grep -c '^ok' "$out/summary" || true)
hung=$(grep -c '^HUNG' "$out/summary" || true)
failed=$(grep -c '^FAILED' "$out/summary" || true)
say "$passed passed, $failed failed, $hung hung, in $(( $(date +%s) - started )) s (logs: $out)"
[ "$passed" -eq "$runs" ]
