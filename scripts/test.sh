#!/usr/bin/env bash
# The full test suite (the README's second command):
#   1. the sBPF build of the programs (scripts/build-sbf.sh; the first run installs Debian's
#      rustc/LLVM 22 with apt and builds sbpf-linker);
#   2. every native test, including the production keeper end to end against a real
#      in-process solana-test-validator serving those .so files (crates/validator-e2e);
#   3. the web app's unit tests (vitest) and end-to-end tests (@playwright/test in Debian's
#      Chromium against `hedge-sim simulate --serve`);
#   4. the compute-unit suite on the .so files (scripts/cu-suite.sh).
# HEDGE_SKIP_SBF=1 skips the sBPF build, the validator test and the CU suite, and
# HEDGE_SKIP_APP=1 the app part, loudly.
# It installs what it needs first (scripts/setup.sh: Debian packages incl. Chromium and the
# C++ toolchain RocksDB needs, npm packages), or stops at once with the exact command to run.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "=== test.sh: $* ($(date -u +%H:%M:%S)) ==="; }
scripts/setup.sh
exclude=()
if [ -n "${HEDGE_SKIP_SBF:-}" ]; then
  echo "scripts/test.sh: HEDGE_SKIP_SBF is set: the sBPF build, the validator test and the compute-unit suite did NOT run" >&2
  exclude=(--exclude hedge-validator-e2e)
else
  step "sBPF build"
  bash scripts/build-sbf.sh
fi
step "Drift's published interface (npm registry) for crates/drift's encoding checks"
scripts/drift-idl.sh || echo "scripts/test.sh: could not fetch @drift-labs/sdk: crates/drift's IDL checks will say NOT RUN" >&2
step "Phoenix's published interface: crates/phoenix against phoenix-rise-ix / phoenix-rise-accounts"
# A workspace of its own (its lockfile cannot share `fixed` with this one): crates/phoenix/conformance.
CARGO_TARGET_DIR="$PWD/target/conformance" cargo test --locked -q --manifest-path crates/phoenix/conformance/Cargo.toml
step "native tests"
if [ -z "${DRIFT_PROGRAM_SO:-}" ]; then
  echo "scripts/test.sh: DRIFT_PROGRAM_SO is not set: the tests against a real Drift v2 binary will say NOT RUN (docs/venues.md)" >&2
fi
cargo test --workspace --locked "${exclude[@]}" "$@"
if [ -n "${HEDGE_SKIP_APP:-}" ]; then
  echo "scripts/test.sh: HEDGE_SKIP_APP is set: the web app's tests did NOT run" >&2
else
  step "web app: vitest, then the browser end-to-end test"
  # `cargo test` built target/debug/hedge-sim, which the e2e test serves the chain with.
  (cd app && npm test --silent && HEDGE_SIM_BIN="$PWD/../target/debug/hedge-sim" npm run --silent e2e)
fi
if [ -z "${HEDGE_SKIP_SBF:-}" ]; then
  step "compute-unit suite"
  scripts/cu-suite.sh
fi
