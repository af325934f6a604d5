#!/usr/bin/env bash
# The evaluator's figures at scale, over HTTP on the release server: a demo
# database of N participants (default 100 000; `stegvis demo --participants N`,
# made once and kept for later runs), the server started on it, the demo
# evaluator signed in, then the time of each load of the dashboard (its
# server function and the whole page) and of each aggregate export: the first
# load once the server has warmed its figures at start (the time the warm-up
# took, read from the server's log, is printed first), loads after it, and the
# first load after one participant changed (read again: that participant
# only). Also `stegvis export ndi` from the command line (a process of its
# own, so it always reads everything), and the caseload's first page for the
# demo case manager. Results go to docs/performance.md by hand.
#   scripts/bench-evaluator.sh [--participants N] [--no-build] [--fresh]
#                              [--engine sqlite|postgres]
#     --no-build   measure what is built (STEGVIS_BIN chooses another binary)
#     --fresh      make the demo database again
#     --engine     postgres: a demo database of the same size made by
#                  `stegvis demo` on the PostgreSQL server TEST_DATABASE_URL
#                  names (else the local one, else a throwaway cluster:
#                  scripts/postgres.sh), kept for later runs as
#                  stegvis_bench_eval_N (copying the SQLite one over with
#                  `stegvis copy-database` takes far longer at this size)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

participants=100000
build=1
fresh=0
engine=sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine="$2"; shift 2 ;;
    --participants) participants="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --fresh) fresh=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

bin="$SERVER_BIN"
if [ "$build" = 1 ]; then
  say "Building the server (release)"
  cargo build -p stegvis-server --release
else
  bin="$(realpath "${STEGVIS_BIN:-$SERVER_BIN}")"
fi

# The demo database is kept beside the build, one per size.
data="$CARGO_TARGET_DIR/bench-evaluator/$participants"
work="$(mktemp -d)"
# The server gets the settings below and none of the caller's STEGVIS_*.
unset_stegvis=()
for name in $(compgen -e | grep '^STEGVIS_' || true); do unset_stegvis+=(-u "$name"); done
run() { (cd "$work" && env "${unset_stegvis[@]}" STEGVIS_DATA_DIR="$data" NO_COLOR=1 "$@"); }

if [ "$fresh" = 1 ]; then rm -rf "$data"; fi
if [ ! -f "$data/stegvis.db" ]; then
  mkdir -p "$data"
  say "Making the demo database: $participants participants"
  start=$(date +%s.%N)
  run "$bin" demo --participants "$participants"
  printf 'demo data made in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
fi
# The database the server runs on, and how to run SQL on it.
case "$engine" in
  sqlite)
    engine_env=() ;;
  postgres)
    # shellcheck source=postgres.sh
    source "$ROOT/scripts/postgres.sh"
    ensure_postgres
    command -v psql >/dev/null || { echo "--engine postgres needs psql" >&2; exit 1; }
    pg_admin="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
    pg_name="stegvis_bench_eval_$participants"
    pg_url="${pg_admin%/*}/$pg_name"
    sql() { psql "$pg_url" -Atqc "$1"; }
    if [ "$fresh" = 1 ]; then
      psql "$pg_admin" -Atqc "DROP DATABASE IF EXISTS \"$pg_name\" WITH (FORCE)" >/dev/null
    fi
    if [ -z "$(psql "$pg_admin" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$pg_name'")" ]; then
      say "Making the demo database on PostgreSQL ($pg_name): $participants participants"
      psql "$pg_admin" -v ON_ERROR_STOP=1 -Atqc "CREATE DATABASE \"$pg_name\"" >/dev/null
      start=$(date +%s.%N)
      if ! run env DATABASE_URL="$pg_url" STEGVIS_SECRET_KEY_FILE="$data/secret.key" \
        "$bin" demo --participants "$participants"; then
        psql "$pg_admin" -Atqc "DROP DATABASE IF EXISTS \"$pg_name\" WITH (FORCE)" >/dev/null
        exit 1
      fi
      printf 'demo data made in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
    fi
    # Several servers on one database share one key: the demo's own.
    engine_env=(DATABASE_URL="$pg_url" STEGVIS_SECRET_KEY_FILE="$data/secret.key") ;;
  *) echo "unknown engine: $engine (sqlite or postgres)" >&2; exit 2 ;;
esac
# (Debian's sqlite3 shell is older than the SQLite in the server and cannot
# read the schema's triggers: counts on PostgreSQL only; the demo prints its own.)
if [ "$engine" = postgres ]; then
  echo "$engine: $(sql "SELECT (SELECT COUNT(*) FROM participants) || ' participants, ' ||
            (SELECT COUNT(*) FROM check_ins) || ' check-ins, ' ||
            (SELECT COUNT(*) FROM answers) || ' answers'")"
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
mkdir -p "$work/site/pkg"
(cd "$work" && exec env "${unset_stegvis[@]}" ${engine_env[@]+"${engine_env[@]}"} STEGVIS_ADDR="127.0.0.1:$port" STEGVIS_DATA_DIR="$data" \
  STEGVIS_PUBLIC_URL="$base" STEGVIS_SECURE_COOKIES=0 LEPTOS_SITE_ROOT="$work/site" \
  RUST_LOG=warn,app::state=info NO_COLOR=1 "$bin" >"$work/server.log" 2>&1) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 300); do
  if curl -sf "$base/healthz" >/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

# Signs in with the demo password; the session cookie goes into $1.
sign_in() {
  curl -sf -o /dev/null -c "$1" -H "Origin: $base" \
    --data-urlencode "email=$2" --data-urlencode "password=stegvis-demo-2026" "$base/api/login"
}
# One request: prints seconds and bytes, fails on an error status.
timed() {
  local jar="$1" method="$2" path="$3"
  local args=(-s -o "$work/body" -w '%{http_code} %{time_total} %{size_download}' -b "$jar" -H "Origin: $base")
  if [ "$method" = POST ]; then args+=(-X POST -H 'Content-Type: application/x-www-form-urlencoded' --data ''); fi
  read -r status seconds bytes < <(curl "${args[@]}" "$base$path"; echo) || true
  if [ "$status" != 200 ]; then echo "$path: HTTP $status" >&2; head -c 500 "$work/body" >&2; exit 1; fi
  printf '%-44s %8.3f s %10s bytes\n' "$4" "$seconds" "$bytes"
}

evaluator="$work/evaluator.jar"
sign_in "$evaluator" utvarderare@demo.stegvis.se

say "The evaluator's figures, $participants participants, $engine ($(nproc) cores, $(date -u +%Y-%m-%d))"
# The server reads every organisation's figures once when it starts.
for _ in $(seq 600); do
  if grep -q "statistics warmed" "$work/server.log"; then break; fi
  sleep 0.2
done
warmed=$(grep "statistics warmed" "$work/server.log" | sed -n 's/.*millis=\([0-9]*\).*/\1/p' | sort -n | tail -1)
printf '%-44s %8.3f s\n' "warm-up at start (server log)" "$(echo "${warmed:-0} / 1000" | bc -l)"
timed "$evaluator" POST /api/evaluator/statistics "dashboard, first load after start"
for n in 1 2 3; do timed "$evaluator" POST /api/evaluator/statistics "dashboard, again ($n)"; done
timed "$evaluator" GET /utvardering "dashboard page (HTML)"
timed "$evaluator" GET "/utvardering?grund=svar&fran=2026-01-01" "dashboard page, filtered by period"
for name in ndi.csv stegforflyttning.csv avslut.csv sammanstallning.xlsx; do
  timed "$evaluator" GET "/utvardering/export/$name" "export $name"
done

# One participant changes: the demo case manager records an exit for one of
# their participants whose check-in is due (a figure moves); the next load
# reads that participant again, not everyone.
case_manager="$work/case-manager.jar"
sign_in "$case_manager" handlaggare@demo.stegvis.se
changed=$(curl -sf -b "$case_manager" -H "Origin: $base" --data "status=due&sort=code" "$base/api/staff/caseload" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["rows"][0]["id"])')
curl -sf -o /dev/null -b "$case_manager" -H "Origin: $base" \
  --data "id=$changed&exit_date=$(date +%Y-%m-%d)&outcome=arbete" "$base/api/staff/exit"
timed "$evaluator" POST /api/evaluator/statistics "dashboard, after one participant changed"
timed "$evaluator" POST /api/evaluator/statistics "dashboard, again"

timed "$case_manager" GET "/personal" "caseload page 1 (demo case manager)"
timed "$case_manager" GET "/personal?visa=all&sortera=code&sida=3" "caseload, whole organisation, page 3"

kill "$server"; wait "$server" 2>/dev/null || true
say "Command line (a process of its own: reads everything)"
start=$(date +%s.%N)
run env ${engine_env[@]+"${engine_env[@]}"} "$bin" export ndi --output "$work/ndi.csv" >/dev/null
printf '%-44s %8.3f s\n' "stegvis export ndi" "$(echo "$(date +%s.%N) - $start" | bc)"
