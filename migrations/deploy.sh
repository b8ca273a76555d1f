#!/usr/bin/env bash
# Deploys a vault on a cluster where the programs are deployed (`anchor deploy`, or
# `solana program deploy target/deploy/*.so` after scripts/build-sbf.sh): the migration step
# Anchor's `migrations/` folder is for, with the production keeper binary.
#
#   migrations/deploy.sh VAULT.toml AUTHORITY.json ORACLE_ACCOUNT [COLLATERAL_ORACLE_ACCOUNT]
#
#   VAULT.toml       vault definition (start from migrations/vault.example.toml)
#   AUTHORITY.json   keypair that pays and becomes the vault's authority
#   ORACLE_ACCOUNT   the underlying's PriceUpdateV2 account (apply_params marks NAV with it)
#
# Environment: HEDGE_RPC_URL (default http://127.0.0.1:8899), HEDGE_KEEPER_BIN (default: the
# workspace's release build, built when missing), HEDGE_APPLY_POLL_SECS (default 10).
#
# Steps, each skipped when the chain already has its result (so a stopped run is finished
# by running it again):
#   1. `hedge-keeper init-vault`: initialize_vault, queue the venues and legs behind the
#      timelock, create the vault's margin account on each venue market;
#   2. wait for the timelock, then `hedge-keeper init-vault --apply` (apply_params).
# Then start the keeper: `hedge-keeper run --vault VAULT:ORACLE_ACCOUNT ...`.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '6,12p' "$0" >&2; exit 2; }
[ $# -ge 3 ] && [ $# -le 4 ] || usage
config=$1 keypair=$2 oracle=$3 collateral_oracle=${4:-}
[ -f "$config" ] || { echo "deploy: no vault definition at $config" >&2; exit 2; }
[ -f "$keypair" ] || { echo "deploy: no keypair at $keypair" >&2; exit 2; }
export HEDGE_RPC_URL=${HEDGE_RPC_URL:-http://127.0.0.1:8899}
poll=${HEDGE_APPLY_POLL_SECS:-10}

keeper=${HEDGE_KEEPER_BIN:-target/release/hedge-keeper}
if [ ! -x "$keeper" ]; then
  echo "deploy: building hedge-keeper (release)"
  cargo build --release --locked -p hedge-keeper --bin hedge-keeper
fi

echo "deploy: creating the vault on $HEDGE_RPC_URL"
"$keeper" init-vault --config "$config" --keypair "$keypair"

apply=(init-vault --config "$config" --keypair "$keypair" --apply --oracle-account "$oracle")
[ -z "$collateral_oracle" ] || apply+=(--collateral-oracle-account "$collateral_oracle")
while true; do
  if out=$("$keeper" "${apply[@]}" 2>&1); then
    echo "$out"
    break
  fi
  if ! grep -q "the timelock has" <<<"$out"; then
    echo "$out" >&2
    exit 1
  fi
  echo "deploy: $(grep -o 'the timelock has [0-9]* s to go' <<<"$out"); checking again in ${poll}s"
  sleep "$poll"
done
echo "deploy: done. Start the keeper: $keeper run --vault <VAULT>:$oracle --keypair <KEEPER.json> --reward-account <TOKEN ACCOUNT>"
