#!/usr/bin/env bash
# Builds programs/hedge-vault and programs/perp-venue into sBPF .so files without Solana's
# platform-tools, so that CI can verify deployable artifacts and measure compute units.
# (With the official toolchain, `anchor build` remains the way to build.)
#
#   scripts/build-sbf.sh            # -> target/deploy/{hedge_vault,perp_venue,pyth_stand_in}.so
#
# (pyth_stand_in is test-only: crates/validator-e2e puts it at the Pyth receiver's address
# in a local validator's genesis.)
#
# Route (docs/compute-units.md): Debian's rustc 1.96 with upstream LLVM 22, -Zbuild-std on a
# std patched for target_os = "solana", sbpf-linker 0.2.6 rebuilt for LLVM 22, and
# scripts/sbf/link.py, which rewrites i128 arithmetic into the u64-limb helpers of
# programs/sbf-i128. Tools are cached in $SBF_HOME (default ~/.cache/hedge-vault-sbf).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
: "${SBF_HOME:=$HOME/.cache/hedge-vault-sbf}"
export SBF_HOME
t0=$(date +%s)
log() { echo "[sbf $(( $(date +%s) - t0 ))s] $*" >&2; }

bash scripts/sbf/tools.sh

TARGET_DIR="$ROOT/target/sbf"
OUT_DIR="$ROOT/target/deploy"
mkdir -p "$OUT_DIR"
# The on-chain build uses Debian's rustc/cargo (LLVM 22) with nightly features unlocked.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
export LD_LIBRARY_PATH="$SBF_HOME/llvm${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export __CARGO_TESTS_ONLY_SRC_ROOT="$SBF_HOME/rust-src/library"   # -Zbuild-std source
export RUSTC_BOOTSTRAP_SYNTHETIC_TARGET=1                         # std for a JSON target
export CARGO_INCREMENTAL=0
CARGO=/usr/bin/cargo

# 1. The i128 helpers as LLVM IR (no i128 arithmetic may remain in them).
log "compiling programs/sbf-i128 to BPF LLVM IR"
$CARGO rustc -q --locked -p sbf-i128 --release --target bpfel-unknown-none -Zbuild-std=core \
  --target-dir "$TARGET_DIR" -- --emit=llvm-ir -C overflow-checks=off
HELPERS=$(ls -t "$TARGET_DIR"/bpfel-unknown-none/release/deps/sbf_i128-*.ll | head -1)
if grep -nE '= (mul|udiv|sdiv|urem|srem) i128|@llvm\.[us]mul\.with\.overflow' "$HELPERS"; then
  echo "build-sbf: the sbf-i128 helpers themselves contain i128 arithmetic" >&2
  exit 1
fi
# They are linked after the program's own `core`, so they may reference nothing but intrinsics.
if grep -nE '^declare ' "$HELPERS" | grep -v '@llvm\.'; then
  echo "build-sbf: the sbf-i128 helpers reference external symbols (a panic path?)" >&2
  exit 1
fi
cp "$HELPERS" "$TARGET_DIR/sbf_i128_helpers.ll"

export HEDGE_SBF_LINKER="$SBF_HOME/bin/sbpf-linker"
export HEDGE_SBF_HELPERS="$TARGET_DIR/sbf_i128_helpers.ll"
export HEDGE_SBF_STATS="$TARGET_DIR/link-stats.txt"
: > "$HEDGE_SBF_STATS"
SPEC="$SBF_HOME/bpfel-solana.json"
# Paths are remapped so that the artifacts do not depend on where the repository, the
# cargo registry or $SBF_HOME live (same bytes from any clone).
CARGO_REGISTRY="${CARGO_HOME:-$HOME/.cargo}/registry"
RUSTFLAGS_SBF="[\"-Zunstable-options\", \"-Cpanic=immediate-abort\", \"-Clink-arg=--llvm-args=-bpf-stack-size=4096\", \"-Crelocation-model=static\", \"--remap-path-prefix=$ROOT=/hedge-vault\", \"--remap-path-prefix=$CARGO_REGISTRY=/cargo-registry\", \"--remap-path-prefix=$SBF_HOME=/sbf-home\"]"

# 2. Each program on its own: built together, Cargo would unify perp-venue's `cpi` feature
#    (no entrypoint) into the venue's own artifact.
for pkg in perp-venue hedge-vault pyth-stand-in; do
  lib=${pkg//-/_}
  log "building $pkg"
  $CARGO build -q --locked -p "$pkg" --release --lib \
    --target "$SPEC" -Zjson-target-spec -Zbuild-std=std,panic_abort --target-dir "$TARGET_DIR" \
    --config "target.bpfel-solana.linker=\"$ROOT/scripts/sbf/link.py\"" \
    --config "target.bpfel-solana.rustflags=$RUSTFLAGS_SBF"
  cp "$TARGET_DIR/bpfel-solana/release/lib$lib.so" "$OUT_DIR/$lib.so"
  log "$OUT_DIR/$lib.so: $(stat -c %s "$OUT_DIR/$lib.so") bytes"
done
log "i128 rewrites: $(tr '\n' ' ' < "$HEDGE_SBF_STATS")"
