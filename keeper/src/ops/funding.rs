//! Settle venue funding for the vault's margin accounts on a fixed interval.
use anchor_lang::solana_program::instruction::Instruction;

use hedge_vault::venues::capabilities;

use crate::snapshot::VaultSnapshot;

/// Due when `interval_secs` have passed since `last_settled` (keeper memory).
pub fn should_run(s: &VaultSnapshot, last_settled: i64, interval_secs: i64) -> bool {
    s.vault.params.venue_count > 0 && s.now.saturating_sub(last_settled) >= interval_secs
}

/// One `settle_funding` per reference venue that takes it (not frozen, not paused; Drift
/// settles funding itself, with every fill and settlement), then a `refresh_nav` (which
/// also feeds the vault's funding policy).
pub fn build(s: &VaultSnapshot) -> Vec<Instruction> {
    let mut ixs: Vec<Instruction> = s
        .venues
        .iter()
        .filter(|(cfg, view)| capabilities(cfg.kind).permissionless_settlement && view.accepts_margin())
        .map(|(cfg, _)| hedge_client::venue_settle_funding(cfg, s.oracles))
        .collect();
    ixs.push(hedge_client::with_accounts(
        hedge_client::refresh_nav(s.address, s.vault.params.live_venues(), s.oracles),
        &s.support_metas(false),
    ));
    ixs
}
