//! A queued parameter change waiting out the timelock.
use anchor_lang::prelude::*;

use crate::state::VaultParams;

/// PDA `[PENDING_SEED, vault]`; at most one per vault. Created by `queue_params`,
/// closed by `apply_params` or `cancel_params`.
#[account]
#[derive(InitSpace, Debug)]
pub struct PendingParams {
    /// The vault this change belongs to.
    pub vault: Pubkey,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// When it was queued (unix seconds).
    pub queued_at: i64,
    /// Earliest time it can be applied (unix seconds).
    pub eta: i64,
    /// The complete new parameter set.
    pub params: VaultParams,
}

impl PendingParams {
    /// True once the timelock has elapsed.
    pub fn is_ready(&self, now: i64) -> bool {
        now >= self.eta
    }
}
