#!/usr/bin/env bash
# The full test suite (the README's second command): every native test, the web app's
# unit tests (vitest) and end-to-end tests (headless Chromium against
# `hedge-sim simulate --serve`), then the sBPF compute-unit suite (scripts/cu-suite.sh:
# builds the .so files, needs apt for Debian's rustc/LLVM 22 the first time).
# HEDGE_SKIP_SBF=1 skips the sBPF part and HEDGE_SKIP_APP=1 the app part, loudly.
# It installs what it needs first (scripts/setup.sh: Debian packages incl. Chromium, npm
# packages), or stops at once with the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"
if [ -n "${HEDGE_SKIP_APP:-}" ]; then
  echo "scripts/test.sh: HEDGE_SKIP_APP is set: the web app's tests did NOT run" >&2
else
  # `cargo test` built target/debug/hedge-sim, which the e2e test serves the chain with.
  (cd app && npm test --silent && HEDGE_SIM_BIN="$PWD/../target/debug/hedge-sim" npm run --silent e2e)
fi
if [ -n "${HEDGE_SKIP_SBF:-}" ]; then
  echo "scripts/test.sh: HEDGE_SKIP_SBF is set: the sBPF build and compute-unit suite did NOT run" >&2
else
  scripts/cu-suite.sh
fi
