#!/usr/bin/env bash
# Installs the toolchain of the sBPF route into $SBF_HOME (idempotent, cached):
#   - Debian rustc-web/cargo-web/rust-web-src 1.96 (upstream LLVM 22) and llvm-22 (opt, llvm-link)
#   - sbpf-linker 0.2.6 from crates.io, built with its LLVM binding switched from 23 to 22
#     (it loads rustc's libLLVM.so.22.1 at run time)
#   - the Rust standard library source, patched for target_os = "solana" (patch_std.py)
#   - the target spec bpfel-solana.json (bpfel-unknown-none with os = "solana")
# Sourced by scripts/build-sbf.sh; see docs/compute-units.md.
set -euo pipefail
: "${SBF_HOME:=$HOME/.cache/hedge-vault-sbf}"
SBF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUST_SRC_VERSION=1.96.0
SBPF_LINKER_VERSION=0.2.6
mkdir -p "$SBF_HOME"/{bin,llvm}

log() { echo "[sbf] $*" >&2; }

need_apt=()
rustc_version=$( [ -x /usr/bin/rustc ] && /usr/bin/rustc -vV 2>/dev/null || true)
case "$rustc_version" in *"LLVM version: 22"*) ;; *) need_apt+=(rustc-web cargo-web) ;; esac
[ -d /usr/src/rustc-$RUST_SRC_VERSION/library ] || need_apt+=(rust-web-src)
command -v opt-22 >/dev/null && command -v llvm-link-22 >/dev/null || need_apt+=(llvm-22)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
case "$(/usr/bin/rustc -vV)" in *"release: $RUST_SRC_VERSION"*) ;; *) log "expected Debian rustc $RUST_SRC_VERSION at /usr/bin/rustc"; exit 1 ;; esac
ln -sf /usr/lib/x86_64-linux-gnu/libLLVM.so.22.1 "$SBF_HOME/llvm/libLLVM.so.22.1"

if [ ! -x "$SBF_HOME/bin/sbpf-linker" ]; then
  log "building sbpf-linker $SBPF_LINKER_VERSION against LLVM 22 (one-off, ~3 min)"
  fetch="$SBF_HOME/fetch"
  mkdir -p "$fetch/src" && touch "$fetch/src/lib.rs"
  printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nsbpf-linker = "=%s"\n' \
    "$SBPF_LINKER_VERSION" > "$fetch/Cargo.toml"
  (cd "$fetch" && cargo +stable fetch -q)
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/sbpf-linker-$SBPF_LINKER_VERSION | head -1)
  build="$SBF_HOME/sbpf-linker-build"
  rm -rf "$build" && cp -r "$src" "$build" && rm -f "$build/rust-toolchain.toml"
  # The crate's `rust-llvm` feature selects bpf-linker's LLVM 23 API; Debian's rustc ships LLVM 22.
  grep -q '"bpf-linker/llvm-23"' "$build/Cargo.toml" || { log "sbpf-linker manifest changed: no bpf-linker/llvm-23 feature"; exit 1; }
  sed -i 's#"bpf-linker/llvm-23"#"bpf-linker/llvm-22"#' "$build/Cargo.toml"
  (cd "$build" && cargo +stable install -q --path . --root "$SBF_HOME" --locked)
  rm -rf "$build"
fi

if [ ! -f "$SBF_HOME/rust-src/.patched-$RUST_SRC_VERSION" ]; then
  log "patching std $RUST_SRC_VERSION for target_os = \"solana\""
  rm -rf "$SBF_HOME/rust-src" && mkdir -p "$SBF_HOME/rust-src"
  cp -r /usr/src/rustc-$RUST_SRC_VERSION/library "$SBF_HOME/rust-src/"
  python3 "$SBF_DIR/patch_std.py" "$SBF_HOME/rust-src/library/std/src"
  touch "$SBF_HOME/rust-src/.patched-$RUST_SRC_VERSION"
fi

if [ ! -f "$SBF_HOME/bpfel-solana.json" ]; then
  RUSTC_BOOTSTRAP=1 /usr/bin/rustc -Z unstable-options --print target-spec-json --target bpfel-unknown-none \
    | python3 "$SBF_DIR/target_spec.py" > "$SBF_HOME/bpfel-solana.json"
fi
