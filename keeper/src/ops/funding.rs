//! Settle venue funding for the vault's margin accounts on a fixed interval.
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{InstructionData, ToAccountMetas};

use crate::snapshot::VaultSnapshot;

/// Due when `interval_secs` have passed since `last_settled` (keeper memory).
pub fn should_run(s: &VaultSnapshot, last_settled: i64, interval_secs: i64) -> bool {
    s.vault.params.venue_count > 0 && s.now.saturating_sub(last_settled) >= interval_secs
}

/// One `settle_funding` per venue, then a `refresh_nav` (which also feeds the vault's
/// funding policy).
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
    ixs.push(hedge_vault::client::refresh_nav(
        s.address,
        s.vault.params.live_venues(),
        s.oracles,
    ));
    ixs
}
