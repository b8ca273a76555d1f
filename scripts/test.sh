#!/usr/bin/env bash
# The full test suite (the README's second command): every native test, then the sBPF
# compute-unit suite (scripts/cu-suite.sh: builds the .so files, needs apt for Debian's
# rustc/LLVM 22 the first time). HEDGE_SKIP_SBF=1 skips the sBPF part, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
if [ -n "${HEDGE_SKIP_SBF:-}" ]; then
  echo "scripts/test.sh: HEDGE_SKIP_SBF is set: the sBPF build and compute-unit suite did NOT run" >&2
else
  scripts/cu-suite.sh
fi
