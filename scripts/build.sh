#!/usr/bin/env bash
# Builds what users get: the optimised WASM bundle with its JS glue, the CSS and
# public assets into $CARGO_TARGET_DIR/site, and the release server binary.
# Plain cargo + wasm-bindgen + wasm-opt; see docs/build.md for why.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "Building the browser bundle (wasm)"
cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features \
  --features hydrate --profile wasm-release

mkdir -p "$SITE_ROOT/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$SITE_ROOT/pkg" --out-name stegvis \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/app.wasm"
"$ROOT/scripts/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$SITE_ROOT/pkg/stegvis_bg.wasm" -o "$SITE_ROOT/pkg/stegvis_bg.wasm"
cp "$ROOT/style/main.css" "$SITE_ROOT/pkg/stegvis.css"
cp -r "$ROOT/public/." "$SITE_ROOT/"
# Brotli and gzip copies of the text files and the wasm, sent as they are (see docs/build.md).
node "$ROOT/scripts/precompress.mjs" "$SITE_ROOT"

say "Building the server (release)"
cargo build -p stegvis-server --release

printf 'Built: %s and %s\n' "$SERVER_BIN" "$SITE_ROOT"
