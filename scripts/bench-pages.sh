#!/usr/bin/env bash
# What a participant's phone downloads and waits for, on the release build:
# the compressed HTML and CSS of the start and question screens, the bytes of
# a first and a repeat visit (a service worker's included), and how soon the
# first question can be seen and answered at 400 kbit/s with 400 ms round trip.
# Builds, starts the server with demo data on a free port and a fresh data
# directory, runs tests/bench/pages.mjs in Debian's Chromium, stops the server.
# Results go to docs/performance.md by hand.
#   scripts/bench-pages.sh               build, then measure
#   scripts/bench-pages.sh --no-build    measure what is built (STEGVIS_BIN and
#                                        LEPTOS_SITE_ROOT choose another build)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
bin="$SERVER_BIN"
site="$SITE_ROOT"
if [ "${1:-}" = "--no-build" ]; then
  bin="$(realpath "${STEGVIS_BIN:-$SERVER_BIN}")"
  site="$(realpath "${LEPTOS_SITE_ROOT:-$SITE_ROOT}")"
else
  "$ROOT/scripts/build.sh"
fi
[ -x /usr/bin/chromium ] && [ -d "$ROOT/tests/node_modules/@playwright/test" ] || "$ROOT/scripts/setup.sh" --browser

work="$(mktemp -d)"
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
port="$(free_port)"
# The browser reaches the server through the measuring proxy, so the proxy's
# address is the public address the server builds links from and checks
# the Origin of every post against.
proxy_port="$(free_port)"
# The server gets the settings below and none of the caller's STEGVIS_*
# (as in the end-to-end tests); it runs in the temporary directory so that no
# ./stegvis.toml is read.
unset_stegvis=()
for name in $(compgen -e | grep '^STEGVIS_' || true); do unset_stegvis+=(-u "$name"); done
(cd "$work" && exec env "${unset_stegvis[@]}" STEGVIS_ADDR="127.0.0.1:$port" STEGVIS_DATA_DIR="$work/data" \
  STEGVIS_PUBLIC_URL="http://127.0.0.1:$proxy_port" STEGVIS_DEMO=1 LEPTOS_SITE_ROOT="$site" RUST_LOG=info NO_COLOR=1 "$bin" >"$work/server.log" 2>&1) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 300); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$port/healthz"; then break; fi
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

say "Measuring $bin with $site"
(cd "$ROOT/tests" && node bench/pages.mjs "http://127.0.0.1:$port" "$work/server.log" "$proxy_port")
