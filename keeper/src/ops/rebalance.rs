//! Rebalance when the net delta leaves its band.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::VaultKeys;

use crate::ops::margin::margin_needed;
use crate::snapshot::VaultSnapshot;

/// A rebalance the program will accept at this snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebalancePlan {
    /// The venue of the largest leg (the instruction's `venue_index`).
    pub venue_index: u8,
    /// Total trade across the venues (underlying base units).
    pub size: i64,
    /// Per venue (underlying base units; 0 = nothing there).
    pub legs: Vec<i64>,
    /// Vault sequence the transaction expects.
    pub sequence: u64,
    /// Venues whose margin must grow first, in the same transaction.
    pub margin_first: Vec<u8>,
}

/// Decides, with the on-chain computation (`compute_delta_report` over the holdings read
/// from the venues, and the program's own [`hedge_vault::plan`]), whether a rebalance is
/// due and what the program will trade.
pub fn should_run(s: &VaultSnapshot) -> Option<RebalancePlan> {
    let v = &s.vault;
    // The program's own gate (pause, cooldown).
    if v.params.venue_count == 0 || v.rebalance_gate(s.now).is_err() {
        return None;
    }
    let views: Vec<_> = s.venues.iter().map(|(_, view)| *view).collect();
    let plan = hedge_vault::plan(v, &s.report, &views)?;
    let (i, _) = plan.primary()?;
    let venue_index = u8::try_from(i).ok()?;
    let size = plan.total();
    let legs: Vec<i64> = plan.legs.iter().take(views.len()).copied().collect();
    // Every venue with a leg whose margin must grow for it.
    let margin_first: Vec<u8> = legs
        .iter()
        .enumerate()
        .filter(|(j, leg)| **leg != 0 && margin_needed(s, *j).unwrap_or(0) > 0)
        .filter_map(|(j, _)| u8::try_from(j).ok())
        .collect();
    Some(RebalancePlan {
        venue_index,
        size,
        legs,
        sequence: v.sequence,
        margin_first,
    })
}

/// The instructions: a NAV / funding refresh, a margin top-up at every venue of the plan
/// that needs one, then the rebalance.
pub fn build(plan: &RebalancePlan, s: &VaultSnapshot, keeper: Pubkey, reward_to: Pubkey) -> Vec<Instruction> {
    let keys = VaultKeys::of(&s.vault);
    let cfg = &s.vault.params.venues[usize::from(plan.venue_index)];
    // What venues beyond the reference one need (Drift: its State, markets, oracles).
    let (read, write) = (s.support_metas(false), s.support_metas(true));
    let mut ixs = vec![hedge_client::with_accounts(
        hedge_client::refresh_nav(s.address, s.vault.params.live_venues(), s.oracles),
        &read,
    )];
    for &j in &plan.margin_first {
        let Some(pool) = s.pool(usize::from(j)) else {
            continue;
        };
        ixs.push(hedge_client::with_accounts(
            hedge_client::rebalance_margin_via(
                s.address,
                keys,
                &s.vault.params.venues[usize::from(j)],
                s.vault.params.live_venues(),
                s.oracles,
                j,
                pool,
            ),
            &write,
        ));
    }
    ixs.push(hedge_client::with_accounts(
        hedge_client::rebalance(
            s.address,
            keys,
            cfg,
            s.vault.params.live_venues(),
            s.oracles,
            keeper,
            reward_to,
            plan.venue_index,
            plan.sequence,
        ),
        &write,
    ));
    ixs
}
