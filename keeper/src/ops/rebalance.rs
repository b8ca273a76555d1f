//! Rebalance when the net delta leaves its band.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use hedge_client::VaultKeys;

use crate::ops::margin::margin_needed;
use crate::snapshot::VaultSnapshot;

/// A rebalance the program will accept at this snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebalancePlan {
    /// Venue the program will route to.
    pub venue_index: u8,
    /// Trade (underlying base units).
    pub size: i64,
    /// Vault sequence the transaction expects.
    pub sequence: u64,
    /// Collateral to move to the venue first, in the same transaction (base units).
    pub margin_first: i64,
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
    let (i, size) = hedge_vault::plan(v, &s.report, &views)?;
    let venue_index = u8::try_from(i).ok()?;
    let margin_first = margin_needed(s, i).unwrap_or(0).max(0);
    Some(RebalancePlan {
        venue_index,
        size,
        sequence: v.sequence,
        margin_first,
    })
}

/// The instructions: a NAV / funding refresh, a margin top-up if needed, then the
/// rebalance.
pub fn build(plan: &RebalancePlan, s: &VaultSnapshot, keeper: Pubkey, reward_to: Pubkey) -> Vec<Instruction> {
    let keys = VaultKeys::of(&s.vault);
    let cfg = &s.vault.params.venues[usize::from(plan.venue_index)];
    let mut ixs = vec![hedge_client::refresh_nav(
        s.address,
        s.vault.params.live_venues(),
        s.oracles,
    )];
    if plan.margin_first > 0 {
        ixs.push(hedge_client::rebalance_margin(
            s.address,
            keys,
            cfg,
            s.vault.params.live_venues(),
            s.oracles,
            plan.venue_index,
        ));
    }
    ixs.push(hedge_client::rebalance(
        s.address,
        keys,
        cfg,
        s.vault.params.live_venues(),
        s.oracles,
        keeper,
        reward_to,
        plan.venue_index,
        plan.sequence,
    ));
    ixs
}
