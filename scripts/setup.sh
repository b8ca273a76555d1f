#!/usr/bin/env bash
# Installs what the test suite needs when it is missing, so that `scripts/test.sh` works on
# a fresh machine with nothing but Rust and Node.js (it runs this first; so does CI):
#   * Debian packages: pkg-config, libssl-dev, libudev-dev (the Solana client's -sys
#     crates), clang, libclang-dev, cmake, g++ (RocksDB, built from source for the
#     in-process solana-test-validator), fonts-dejavu-core (chart text), chromium (the web
#     app's end-to-end test);
#   * rustfmt and clippy;
#   * the web app's npm packages (npm ci).
# The sBPF toolchain (Debian's rustc/LLVM 22 and sbpf-linker) is installed by
# scripts/build-sbf.sh when the compute-unit suite first needs it.
# Without apt-get (or root / sudo) it stops at once with the exact command to run.
# HEDGE_SKIP_APP=1 skips Chromium and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "scripts/setup.sh: $*" >&2; exit 1; }

pkgs=(pkg-config libssl-dev libudev-dev clang libclang-dev cmake g++ fonts-dejavu-core)
[ -n "${HEDGE_SKIP_APP:-}" ] || pkgs+=(chromium)
missing=()
if command -v dpkg >/dev/null; then
  # "install ok installed" only: a removed package keeps its config files, and `dpkg -s`
  # still succeeds for it.
  for p in "${pkgs[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
else
  # Not Debian: check the tools themselves.
  for t in pkg-config clang cmake g++; do command -v "$t" >/dev/null || missing+=("$t"); done
  if [ -z "${HEDGE_SKIP_APP:-}" ] && [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
    missing+=(chromium)
  fi
  [ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}: install them with your package manager (set CHROMIUM=/path/to/chromium for a browser elsewhere)"
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "missing ${missing[*]}; run as root: apt-get update && apt-get install -y ${missing[*]}"
    sudo_cmd="sudo"
  fi
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get"
  echo "scripts/setup.sh: installing ${missing[*]} (apt-get)"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing[@]}" \
    || fail "apt-get failed; run: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
fi

command -v cargo >/dev/null || fail "cargo not found: install Rust with rustup (https://rustup.rs), toolchain 1.95"
if command -v rustup >/dev/null; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi

if [ -z "${HEDGE_SKIP_APP:-}" ]; then
  command -v npm >/dev/null || fail "npm not found: the web app (app/) needs Node.js >= 20.19 and npm (https://nodejs.org, or apt-get install nodejs npm)"
  if [ ! -d app/node_modules ] || [ app/package-lock.json -nt app/node_modules ]; then
    echo "scripts/setup.sh: installing the web app's packages (npm ci)"
    (cd app && npm ci --no-audit --no-fund)
  fi
fi
