#!/usr/bin/env bash
# Sets up and runs every check: formatting, clippy (server and wasm), unit and
# integration tests on SQLite and on PostgreSQL (scripts/postgres.sh finds or
# starts one), then the end-to-end suite in headless Chromium against the
# release build. Stops at the first failure and exits non-zero.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres.sh"
started=$(date +%s)
"$ROOT/scripts/setup.sh" --browser
cd "$ROOT"

say "Formatting"
cargo fmt --all -- --check

say "Clippy: server and tests"
cargo clippy --workspace --all-targets --release -- -D warnings
say "Clippy: browser bundle"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features \
  --features hydrate --profile wasm-release -- -D warnings

# PostgreSQL for the second pass, and for the tests that use both engines
# in every pass (the schema comparison, copy-database).
ensure_postgres
say "Unit and integration tests on SQLite"
STEGVIS_TEST_ENGINE=sqlite cargo test --workspace --release

# The same test binaries again (nothing is rebuilt), every store and HTTP
# test now on a PostgreSQL database of its own.
say "Unit and integration tests on PostgreSQL ($TEST_DATABASE_URL)"
STEGVIS_TEST_ENGINE=postgres cargo test --workspace --release
say "Store and HTTP tests ran on: SQLite, PostgreSQL"

"$ROOT/scripts/build.sh"

say "End-to-end tests (headless Chromium)"
cd "$ROOT/tests"
STEGVIS_BIN="$SERVER_BIN" LEPTOS_SITE_ROOT="$SITE_ROOT" npx --no-install playwright test

say "All checks passed in $(( $(date +%s) - started )) s"
