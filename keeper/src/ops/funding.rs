//! Settle venue funding and P&L for the vault's margin accounts on a fixed interval.
//!
//! Settling P&L turns the hedge's unrealised gains and losses into collateral at the venue
//! (the venue's `settle_pnl`). That is what keeps a hedge of a token-collateralised vault
//! alive through a large move: a short that lost in quote pays for it in collateral, the
//! vault's exposure (collateral + position) shows it, and the next rebalance shrinks the
//! short to match; without it, the venue's notional grows with the price while the margin
//! account's equity does not, until no amount of the vault's collateral can keep it above
//! maintenance.
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};

use crate::snapshot::VaultSnapshot;

/// Due when `interval_secs` have passed since `last_settled` (keeper memory).
pub fn should_run(s: &VaultSnapshot, last_settled: i64, interval_secs: i64) -> bool {
    s.vault.params.venue_count > 0 && s.now.saturating_sub(last_settled) >= interval_secs
}

/// Per venue a `settle_funding` and, with a position, a `settle_pnl`; then a `refresh_nav`
/// (which also feeds the vault's funding policy).
pub fn build(s: &VaultSnapshot) -> Vec<Instruction> {
    let mut ixs: Vec<Instruction> = s
        .vault
        .params
        .live_venues()
        .iter()
        .map(|v| Instruction {
            program_id: v.program_id,
            accounts: perp_venue::accounts::SettleFunding {
                market: v.market,
                margin_account: v.margin_account,
                oracle: s.oracles.underlying,
            }
            .to_account_metas(None),
            data: perp_venue::instruction::SettleFunding {}.data(),
        })
        .collect();
    for (cfg, view) in &s.venues {
        if view.position != 0 {
            ixs.push(Instruction {
                program_id: cfg.program_id,
                accounts: perp_venue::accounts::SettlePnl {
                    market: cfg.market,
                    margin_account: cfg.margin_account,
                    oracle: s.oracles.underlying,
                    collateral_oracle: None,
                }
                .to_account_metas(None),
                data: perp_venue::instruction::SettlePnl {}.data(),
            });
        }
    }
    ixs.push(hedge_vault::client::refresh_nav(
        s.address,
        s.vault.params.live_venues(),
        s.oracles,
    ));
    ixs
}
