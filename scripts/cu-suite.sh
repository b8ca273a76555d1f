#!/usr/bin/env bash
# The sBPF part of the test suite: build the programs into .so files (scripts/build-sbf.sh),
# run every instruction on them in the SVM, check that they compute exactly what the
# native build computes (state bytes, events, return data), and compare compute units
# with the committed table (docs/compute-units.md): fails on a regression.
#
#   scripts/cu-suite.sh            # check against docs/compute-units.md
#   scripts/cu-suite.sh --write    # regenerate docs/compute-units.md
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-sbf.sh
if [ "${1:-}" = "--write" ]; then
  cargo run --locked -q -p hedge-localnet --bin cu-report -- --write docs/compute-units.md
else
  cargo run --locked -q -p hedge-localnet --bin cu-report -- --baseline docs/compute-units.md --write target/compute-units.md
fi
