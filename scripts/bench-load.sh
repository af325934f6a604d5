#!/usr/bin/env bash
# Check-ins over HTTP under load, on the release server: a fresh database with
# the demo data, phones signed in the real way (the demo case manager
# registers participants and issues access codes, each phone redeems its code
# and chooses a PIN), then rounds of N phones at once, each doing whole
# check-ins as the participant script does (fetch the check-in, save every
# answer, send). Also, with the same load client and on the same machine in
# the same run: a minimal axum + sqlx endpoint doing only the draft upsert an
# answer save ends in, and SQLite's own durable commit rate with the server's
# settings. Then, from the database, that every acknowledged check-in was
# stored exactly once; and a crash round: the server is killed with SIGKILL in
# the middle of a round and started again while the phones send again what
# was not acknowledged, and the same check. Prints the machine, a table and
# the goals met or missed. Results go to docs/performance.md by hand.
#
# On PostgreSQL (--engine postgres) the same, on a fresh database made on the
# server TEST_DATABASE_URL names (else postgres://postgres@127.0.0.1:5432/test,
# or a throwaway cluster: scripts/postgres.sh) and dropped at the end; the
# minimal endpoint and the engine loops use databases of their own there;
# and besides the one-server rounds, rounds on two server processes on the
# one database (phones spread over both), whose crash round kills one of them.
#   scripts/bench-load.sh [--quick] [--no-build] [--seconds N] [--concurrency 10,50,100,200]
#                         [--engine sqlite|postgres] [--keep]
#     --quick        two rounds (10 and 100 at once), 6 s each, shorter
#                    engine loops and a smaller crash round: 2–3 minutes
#     --no-build     measure what is built (STEGVIS_BIN chooses another server)
#     --engine       sqlite (default) or postgres (a fresh database, see above)
#     --keep         keep the work directory (databases, logs, sent check-ins)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

engine=sqlite
seconds=12
levels=10,50,100,200
raw_seconds=5
paced_seconds=15
crash_phones=50
crash_seconds=12
build=1
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) seconds=6; levels=10,100; raw_seconds=2; paced_seconds=10; crash_phones=20; crash_seconds=8; shift ;;
    --seconds) seconds="$2"; shift 2 ;;
    --concurrency) levels="$2"; shift 2 ;;
    --engine) engine="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

case "$engine" in
  sqlite|postgres) ;;
  *) echo "unknown engine: $engine (sqlite or postgres)" >&2; exit 2 ;;
esac

bin="$(realpath -m "${STEGVIS_BIN:-$SERVER_BIN}")"
if [ "$build" = 1 ] && [ ! -x "$bin" ]; then
  say "Building the server (release)"
  cargo build -p stegvis-server --release
fi
[ -x "$bin" ] || { echo "no server at $bin (build it: cargo build --release -p stegvis-server)" >&2; exit 1; }
if [ "$build" = 1 ]; then
  say "Building the load client (release)"
  cargo build -p stegvis-bench --release
fi
bench="$CARGO_TARGET_DIR/release/stegvis-bench"
endpoint="$CARGO_TARGET_DIR/release/stegvis-bench-endpoint"

work="$(mktemp -d)"
mkdir -p "$work/data" "$work/data2" "$work/site/pkg" "$work/raw" "$work/endpoint"
results="$work/results.tsv"
pg_databases=()
pg_admin=""
# A database on the admin connection's server: postgres://…/<name>.
pg_url() { printf '%s/%s\n' "${pg_admin%/*}" "$1"; }
pg_create() { # name
  psql "$pg_admin" -v ON_ERROR_STOP=1 -Atqc "CREATE DATABASE \"$1\"" >/dev/null
  pg_databases+=("$1")
}
pg_drop_all() {
  for name in ${pg_databases[@]+"${pg_databases[@]}"}; do
    psql "$pg_admin" -Atqc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 ||
      echo "could not drop database $name on $pg_admin" >&2
  done
  pg_databases=()
}
# Drops the databases, then stops a throwaway cluster if postgres.sh started
# one (its own EXIT trap is replaced by ours, so ours calls it).
pg_teardown() {
  pg_drop_all
  if declare -F _stegvis_pg_stop >/dev/null; then _stegvis_pg_stop || true; fi
}
case "$engine" in
  sqlite)
    database_url="sqlite://$work/data/stegvis.db"
    raw_target="$work/raw/raw.db"
    endpoint_target="$work/endpoint/endpoint.db" ;;
  postgres)
    # shellcheck source=postgres.sh
    source "$ROOT/scripts/postgres.sh"
    ensure_postgres
    pg_admin="$TEST_DATABASE_URL"
    command -v psql >/dev/null || { echo "--engine postgres needs psql" >&2; exit 1; }
    prefix="stegvis_bench_$(date +%s)_$$"
    # The cleanup trap (below) drops these; set it before they exist.
    trap 'pg_teardown' EXIT
    pg_create "$prefix"
    pg_create "${prefix}_raw"
    pg_create "${prefix}_endpoint"
    database_url="$(pg_url "$prefix")"
    raw_target="$(pg_url "${prefix}_raw")"
    endpoint_target="$(pg_url "${prefix}_endpoint")"
    # Several servers on one database must share the secret key
    # (docs/operations.md): an explicit one in a file, for all of them.
    head -c 32 /dev/urandom | base64 >"$work/secret.key"
    chmod 600 "$work/secret.key" ;;
esac

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_healthy() { # url pid log
  for _ in $(seq 600); do
    if curl -sf "$1/healthz" >/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; return 1; }
    sleep 0.1
  done
  echo "$1 did not become healthy" >&2; return 1
}

# The server gets the settings below and none of the caller's STEGVIS_*; it
# runs in the work directory so that no ./stegvis.toml is read.
unset_stegvis=()
for name in $(compgen -e | grep '^STEGVIS_' || true); do unset_stegvis+=(-u "$name"); done
port="$(free_port)"
base="http://127.0.0.1:$port"
server=""
# A second server process on the same database (PostgreSQL only).
port2="$(free_port)"
base2="http://127.0.0.1:$port2"
server2=""
key_env=()
if [ "$engine" = postgres ]; then key_env=(STEGVIS_SECRET_KEY_FILE="$work/secret.key"); fi
launch() { # port data-dir log: starts a server, prints nothing, sets $launched
  (cd "$work" && exec env "${unset_stegvis[@]}" STEGVIS_ADDR="127.0.0.1:$1" STEGVIS_DATA_DIR="$2" \
    DATABASE_URL="$database_url" STEGVIS_PUBLIC_URL="http://127.0.0.1:$1" STEGVIS_DEMO=1 \
    STEGVIS_SECURE_COOKIES=0 ${key_env[@]+"${key_env[@]}"} \
    STEGVIS_RETENTION_HOURS=off LEPTOS_SITE_ROOT="$work/site" RUST_LOG=warn NO_COLOR=1 \
    "$bin" >>"$3" 2>&1) &
  launched=$!
}
start_server() {
  launch "$port" "$work/data" "$work/server.log"
  server=$launched
  wait_healthy "$base" "$server" "$work/server.log"
}
start_server2() {
  launch "$port2" "$work/data2" "$work/server2.log"
  server2=$launched
  wait_healthy "$base2" "$server2" "$work/server2.log"
}
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=""
  if [ -n "$server2" ]; then kill "$server2" 2>/dev/null || true; wait "$server2" 2>/dev/null || true; fi
  server2=""
}
minimal=""
load_client=""
cleanup() {
  stop_server
  if [ -n "$minimal" ]; then kill "$minimal" 2>/dev/null || true; wait "$minimal" 2>/dev/null || true; fi
  if [ -n "$load_client" ]; then kill "$load_client" 2>/dev/null || true; fi
  pg_teardown
  if [ "$keep" = 1 ]; then
    echo "kept: $work"
    [ "$engine" = postgres ] && echo "(the PostgreSQL databases are dropped all the same)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

say "Machine"
echo "cores:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (load average before the run; other work on the machine skews every figure)"
echo "server:  $bin ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "engine:  $engine; rounds of $seconds s at $levels phones at once"
if [ "$engine" = postgres ]; then
  echo "database: $(psql "$pg_admin" -Atqc 'select version()' | cut -d, -f1) at ${pg_admin%/*}" \
    "(fsync $(psql "$pg_admin" -Atqc 'show fsync'), synchronous_commit $(psql "$pg_admin" -Atqc 'show synchronous_commit'))"
fi

say "The engine alone: $engine with the server's settings, ${raw_seconds} s a loop"
"$bench" raw --database "$raw_target" --seconds "$raw_seconds" --results "$results"

say "The minimal endpoint (axum + sqlx, one upsert a request)"
endpoint_port="$(free_port)"
"$endpoint" --addr "127.0.0.1:$endpoint_port" --database "$endpoint_target" >"$work/endpoint.log" 2>&1 &
minimal=$!
wait_healthy "http://127.0.0.1:$endpoint_port" "$minimal" "$work/endpoint.log"
"$bench" minimal --url "http://127.0.0.1:$endpoint_port" --concurrency "$levels" --seconds "$seconds" --results "$results"
kill "$minimal"; wait "$minimal" 2>/dev/null || true; minimal=""

say "Stegvis: whole check-ins ($engine, fresh database with the demo data)"
start_server
"$bench" load --url "$base" --concurrency "$levels" --seconds "$seconds" \
  --sent "$work/sent.tsv" --results "$results" --label stegvis
# The same at a person's pace: each phone pauses about half a second
# before each answer (people read the question), so the server is busy but
# not saturated: the latency a phone sees in a full room.
"$bench" load --url "$base" --concurrency 100 --seconds "$paced_seconds" --think-ms 500 \
  --sent "$work/sent.tsv" --results "$results" --label paced --expected-rate 10
stop_server
"$bench" verify --database-url "$database_url" --sent "$work/sent.tsv" --label stegvis --results "$results"

crash_urls="$base"
if [ "$engine" = postgres ]; then
  say "Two server processes on the one database (ports $port and $port2), phones spread over both"
  start_server
  start_server2
  "$bench" load --url "$base,$base2" --concurrency "$levels" --seconds "$seconds" \
    --sent "$work/sent2.tsv" --results "$results" --label stegvis-x2
  stop_server
  "$bench" verify --database-url "$database_url" --sent "$work/sent2.tsv" --label two --results "$results"
  crash_urls="$base,$base2"
fi

if [ "$engine" = postgres ]; then
  say "Crash round: two servers; SIGKILL to one in the middle, started again, the phones send again"
else
  say "Crash round: SIGKILL in the middle, started again, the phones send again"
fi
start_server
if [ "$engine" = postgres ]; then start_server2; fi
"$bench" load --url "$crash_urls" --concurrency "$crash_phones" --seconds "$crash_seconds" --finish --retry-for 60 \
  --sent "$work/crash.tsv" --results "$results" --label crash --started "$work/started" &
load_client=$!
for _ in $(seq 1200); do
  [ -f "$work/started" ] && break
  kill -0 "$load_client" 2>/dev/null || break
  sleep 0.1
done
sleep "$((crash_seconds / 2))"
echo "  SIGKILL to the server (pid $server) at $(date -u +%T)"
kill -KILL "$server"; wait "$server" 2>/dev/null || true; server=""
sleep 1
start_server
echo "  server started again at $(date -u +%T)"
wait "$load_client"; load_client=""
stop_server
"$bench" verify --database-url "$database_url" --sent "$work/crash.tsv" --label crash --results "$results"
for log in "$work/server.log" "$work/server2.log"; do
  [ -f "$log" ] || continue
  if grep -qi 'panicked\|database disk image is malformed' "$log"; then
    echo "the server log $(basename "$log") has errors:" >&2; grep -i 'panicked\|malformed' "$log" | head >&2
  fi
done

say "Summary ($(nproc) cores, $(date -u +%Y-%m-%d))"
"$bench" report --results "$results"
