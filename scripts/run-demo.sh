#!/usr/bin/env bash
# Sets up, builds and starts Stegvis on SQLite with demo data. Open the address
# it prints. The database lives in ./data (STEGVIS_DATA_DIR to change it).
source "$(dirname "$0")/lib.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
cd "$ROOT"
export STEGVIS_DEMO="${STEGVIS_DEMO:-1}"
export LEPTOS_SITE_ROOT="$SITE_ROOT"
exec "$SERVER_BIN"
