# Shared settings for the Stegvis scripts. Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Build output lives outside the clone by default, so a fresh clone reuses an
# earlier build when there is one. Nothing depends on it being there.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/stegvis/target}"
SITE_ROOT="$CARGO_TARGET_DIR/site"
SERVER_BIN="$CARGO_TARGET_DIR/release/stegvis"
WASM_BINDGEN_VERSION="0.2.130"
export PATH="$HOME/.cargo/bin:$PATH"
# Never let a browser-test package try to download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  say "Installing from Debian: $*"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}
