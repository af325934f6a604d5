#!/usr/bin/env bash
# Installs what building Stegvis needs, skipping whatever is already present:
# the wasm32 target, wasm-bindgen-cli (same version as the crate), Node.js and
# wasm-opt from the npm package `binaryen` (Debian's wasm-opt breaks hydration).
# With --browser it also installs Chromium, chromedriver and the test packages.
source "$(dirname "$0")/lib.sh"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  # --locked fails: a version pinned in its lock file is gone from the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "Node.js $node_major is too old: the browser tests need Node.js 20 or newer (see docs/build.md)." >&2
  exit 1
fi

if [ ! -x "$ROOT/scripts/node_modules/.bin/wasm-opt" ]; then
  say "Installing wasm-opt (npm package binaryen)"
  npm ci --prefix "$ROOT/scripts" --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  if [ ! -d "$ROOT/tests/node_modules/@playwright/test" ] || [ ! -d "$ROOT/tests/node_modules/@axe-core/playwright" ]; then
    say "Installing the end-to-end test packages"
    npm ci --prefix "$ROOT/tests" --no-audit --no-fund
  fi
fi
