//! A queued parameter change waiting out the timelock.
use anchor_lang::prelude::*;

use crate::state::VaultParams;

/// PDA `[PENDING_SEED, vault]`; at most one per vault. Created by `queue_params`,
/// closed by `apply_params` or `cancel_params`.
///
/// Zero-copy like [`crate::state::Vault`] (it embeds the same [`VaultParams`]): `repr(C)`,
/// fields ordered by alignment, layout equal to the Borsh layout of the IDL.
#[account(zero_copy(unsafe))]
#[repr(C)]
#[derive(InitSpace, Debug)]
pub struct PendingParams {
    /// When it was queued (unix seconds).
    pub queued_at: i64,
    /// Earliest time it can be applied (unix seconds).
    pub eta: i64,
    /// The complete new parameter set.
    pub params: VaultParams,
    /// The vault this change belongs to.
    pub vault: Pubkey,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// Zero; keeps the layout free of implicit padding.
    pub padding: [u8; 7],
}

impl PendingParams {
    /// Account size including the discriminator.
    pub const SPACE: usize = 8 + core::mem::size_of::<PendingParams>();

    /// True once the timelock has elapsed.
    pub fn is_ready(&self, now: i64) -> bool {
        now >= self.eta
    }
}
