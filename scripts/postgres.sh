# PostgreSQL for the tests that need one (store/tests/schema.rs and the
# store's PostgreSQL tests). Sourced, not run:
#
#   source scripts/postgres.sh
#   ensure_postgres        # sets and exports TEST_DATABASE_URL
#
# Which server:
#   1. TEST_DATABASE_URL, when it is already set: nothing else is done.
#   2. A server answering at 127.0.0.1:5432 (STEGVIS_PG_PROBE_HOST and
#      STEGVIS_PG_PROBE_PORT change where to look) that lets user `postgres`
#      into database `test`: postgres://postgres@127.0.0.1:5432/test.
#   3. Otherwise a throwaway cluster: Debian's `postgresql` package (installed
#      with apt-get when missing), initdb in a temporary directory (trust
#      authentication, listening on 127.0.0.1 only, on a free port from
#      STEGVIS_PG_PORT, default 55432, with its socket in that directory),
#      a database `test`; stopped and removed when the shell exits (added to
#      any EXIT trap already set, not replacing it). When run as root, the
#      cluster runs as the `postgres` system user, as PostgreSQL refuses root.
#
# Only Debian packages are needed; pg_isready and psql are used when they are
# there, a bash /dev/tcp probe otherwise.
# shellcheck shell=bash

# The newest Debian PostgreSQL's bin directory, or nothing.
_stegvis_pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
  return 0
}

# Finds a PostgreSQL client program on PATH or in Debian's directory.
_stegvis_pg_tool() {
  local bin
  if command -v "$1" >/dev/null 2>&1; then
    command -v "$1"
    return 0
  fi
  bin="$(_stegvis_pg_bin)"
  if [ -n "$bin" ] && [ -x "$bin/$1" ]; then
    printf '%s\n' "$bin/$1"
    return 0
  fi
  return 1
}

# Does something accept connections at host $1, port $2?
_stegvis_pg_answers() {
  local isready
  if isready="$(_stegvis_pg_tool pg_isready)"; then
    "$isready" -q -h "$1" -p "$2" -t 3
    return
  fi
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Does the PostgreSQL URL $1 let us in? (True when psql is missing: the tests
# then say clearly what is wrong.)
_stegvis_pg_usable() {
  local psql
  if psql="$(_stegvis_pg_tool psql)"; then
    PGCONNECT_TIMEOUT=5 "$psql" "$1" -Atqc 'select 1' >/dev/null 2>&1
    return
  fi
  return 0
}

# The server version behind URL $1, or "unknown version".
_stegvis_pg_version() {
  local psql version=""
  if psql="$(_stegvis_pg_tool psql)"; then
    version="$(PGCONNECT_TIMEOUT=5 "$psql" "$1" -Atqc 'show server_version' 2>/dev/null || true)"
  fi
  printf 'PostgreSQL %s\n' "${version:-(unknown version)}"
}

# Runs a command as the cluster's owner: ourselves, or `postgres` when root.
_stegvis_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

# Stops and removes the throwaway cluster (the EXIT trap calls this).
_stegvis_pg_stop() {
  local status=$?
  if [ -n "${STEGVIS_PG_CLUSTER_DIR:-}" ] && [ -d "$STEGVIS_PG_CLUSTER_DIR" ]; then
    if [ -f "$STEGVIS_PG_CLUSTER_DIR/data/postmaster.pid" ]; then
      _stegvis_pg_as_owner "$STEGVIS_PG_BIN/pg_ctl" -D "$STEGVIS_PG_CLUSTER_DIR/data" \
        -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STEGVIS_PG_CLUSTER_DIR"
    echo "PostgreSQL: throwaway cluster stopped and removed"
  fi
  STEGVIS_PG_CLUSTER_DIR=""
  return "$status"
}

# Adds _stegvis_pg_stop to the EXIT trap, after whatever it already does.
_stegvis_pg_add_exit_trap() {
  local existing
  existing="$(trap -p EXIT)"
  if [ -n "$existing" ]; then
    # `trap -p` prints `trap -- '<commands>' EXIT`, quoted for the shell.
    eval "set -- $existing"
    trap -- "$3"$'\n'"_stegvis_pg_stop" EXIT
  else
    trap -- _stegvis_pg_stop EXIT
  fi
}

_stegvis_pg_install() {
  echo "PostgreSQL: installing Debian's postgresql package"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  else
    sudo apt-get update -qq
    sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
}

# Starts a throwaway cluster and sets TEST_DATABASE_URL to its `test` database.
_stegvis_pg_start_cluster() {
  local bin dir port tries=0
  bin="$(_stegvis_pg_bin)"
  if [ -z "$bin" ]; then
    _stegvis_pg_install
    bin="$(_stegvis_pg_bin)"
  fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL: no initdb under /usr/lib/postgresql/*/bin after installing" >&2
    return 1
  fi

  port="${STEGVIS_PG_PORT:-55432}"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -ge 50 ]; then
      echo "PostgreSQL: no free port from ${STEGVIS_PG_PORT:-55432} on" >&2
      return 1
    fi
    port=$((port + 1))
  done

  dir="$(mktemp -d "${TMPDIR:-/tmp}/stegvis-pg.XXXXXX")"
  STEGVIS_PG_CLUSTER_DIR="$dir"
  STEGVIS_PG_BIN="$bin"
  _stegvis_pg_add_exit_trap
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"

  echo "PostgreSQL: starting a throwaway cluster ($bin) in $dir on 127.0.0.1:$port"
  if ! _stegvis_pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    return 1
  fi
  if ! _stegvis_pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off" \
    start >/dev/null; then
    cat "$dir/server.log" >&2
    return 1
  fi
  if ! _stegvis_pg_as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -Atqc 'CREATE DATABASE test' >/dev/null; then
    return 1
  fi
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/test"
}

# Sets and exports TEST_DATABASE_URL (see the top of this file).
ensure_postgres() {
  local host="${STEGVIS_PG_PROBE_HOST:-127.0.0.1}" port="${STEGVIS_PG_PROBE_PORT:-5432}" url
  if [ -n "${TEST_DATABASE_URL:-}" ]; then
    export TEST_DATABASE_URL
    echo "PostgreSQL: using TEST_DATABASE_URL as set ($(_stegvis_pg_version "$TEST_DATABASE_URL"))"
    return 0
  fi
  url="postgres://postgres@$host:$port/test"
  if _stegvis_pg_answers "$host" "$port"; then
    if _stegvis_pg_usable "$url"; then
      export TEST_DATABASE_URL="$url"
      echo "PostgreSQL: using the server at $host:$port ($(_stegvis_pg_version "$url"))"
      return 0
    fi
    echo "PostgreSQL: a server answers at $host:$port but not as $url; starting one of our own"
  fi
  _stegvis_pg_start_cluster || {
    echo "PostgreSQL: could not start a throwaway cluster" >&2
    return 1
  }
  echo "PostgreSQL: using the throwaway cluster at $TEST_DATABASE_URL ($(_stegvis_pg_version "$TEST_DATABASE_URL"))"
}
