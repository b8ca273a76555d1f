#!/usr/bin/env bash
# Fetches Drift v2's published interface from the npm registry into
# target/drift-idl/<version>/ (never committed): the IDL (`drift.json`) and the SDK's PDA
# source (`pda.ts`) of @drift-labs/sdk at the version crates/drift checks against
# (`IDL_VERSION`). crates/drift/tests/idl.rs checks the adapter's encodings against them.
# Prints the folder. Needs npm and the registry; nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^pub const IDL_VERSION: &str = "\(.*\)";/\1/p' crates/drift/src/lib.rs)
[ -n "$version" ] || { echo "drift-idl.sh: IDL_VERSION not found in crates/drift/src/lib.rs" >&2; exit 1; }
out="target/drift-idl/$version"
if [ -s "$out/drift.json" ] && [ -s "$out/pda.ts" ]; then echo "$out"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@drift-labs/sdk@$version" >/dev/null)
tar xzf "$tmp/drift-labs-sdk-$version.tgz" -C "$tmp" package/src/idl/drift.json package/src/addresses/pda.ts
mkdir -p "$out"
cp "$tmp/package/src/idl/drift.json" "$tmp/package/src/addresses/pda.ts" "$out/"
echo "$out"
