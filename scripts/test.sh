#!/usr/bin/env bash
# The full test suite (the README's second command).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked "$@"
