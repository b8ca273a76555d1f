//! Settle a venue's P&L into collateral once it is large against the position.
//!
//! Unsettled P&L is dollars at the venue: it carries no delta, but it does not margin the
//! position either, so in a long trend the margin account's equity stops following its
//! notional until no collateral can keep it above maintenance. Settling (the venue's
//! permissionless `settle_pnl`) turns it into collateral, which *is* exposure: the vault's
//! delta moves by P&L / S, and the rebalance that follows in the same keeper pass brings
//! it back to target. Settling in chunks of at least `threshold_bps` of the notional (more
//! than the band) makes that rebalance follow every settlement; settling every small
//! change would leave the vault biased against the trend inside its band.
use anchor_lang::solana_program::instruction::Instruction;
use hedge_math::Fix;

use crate::snapshot::VaultSnapshot;

/// Default threshold: settle once |P&L| reaches 10 % of the position's notional.
pub const DEFAULT_THRESHOLD_BPS: u32 = 1_000;

/// Venues (indexes) whose unsettled P&L has reached `threshold_bps` of their notional.
pub fn should_run(s: &VaultSnapshot, threshold_bps: u32) -> Vec<usize> {
    s.venues
        .iter()
        .enumerate()
        .filter(|(_, (cfg, _))| hedge_vault::venues::capabilities(cfg.kind).permissionless_settlement)
        .filter(|(_, (_, v))| {
            // Nothing is sent to a venue that is frozen or paused. The reference venue's
            // permissionless settlement only: a Drift venue settles through the vault
            // (its exits), into USDC that stays there as margin.
            if v.position == 0 || !v.accepts_margin() {
                return false;
            }
            let position_value = if v.position > 0 {
                v.notional
            } else {
                v.notional.saturating_neg()
            };
            let pnl = v.quote_balance.saturating_add(position_value);
            let limit = v
                .notional
                .saturating_mul_int(i128::from(threshold_bps))
                .saturating_div(Fix::from_num(10_000));
            pnl.saturating_abs() >= limit
        })
        .map(|(i, _)| i)
        .collect()
}

/// `settle_pnl` for each of `venues`, then a `refresh_nav`.
pub fn build(s: &VaultSnapshot, venues: &[usize]) -> Vec<Instruction> {
    let mut ixs: Vec<Instruction> = venues
        .iter()
        .filter_map(|&i| s.venues.get(i))
        .map(|(cfg, _)| hedge_client::venue_settle_pnl(cfg, s.oracles))
        .collect();
    ixs.push(hedge_client::with_accounts(
        hedge_client::refresh_nav(s.address, s.vault.params.live_venues(), s.oracles),
        &s.support_metas(false),
    ));
    ixs
}
