//! A queued parameter change waiting out the timelock.
use anchor_lang::prelude::*;

use crate::state::{ChangeExtras, OracleConfig, VaultParams};

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
    /// New price feeds, when `oracle_changed` (zeroed otherwise). Read through
    /// [`PendingParams::oracle`].
    pub new_oracle: OracleConfig,
    /// Whether the change rotates the price feeds.
    pub oracle_changed: bool,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// Venues this change unfreezes (bitmask, bit i = venue i).
    pub unfreeze_venues: u8,
    /// Zero; keeps the layout free of implicit padding.
    pub padding: [u8; 2],
}

impl PendingParams {
    /// Account size including the discriminator.
    pub const SPACE: usize = 8 + core::mem::size_of::<PendingParams>();

    /// The feed rotation this change makes, if any.
    pub fn oracle(&self) -> Option<OracleConfig> {
        self.oracle_changed.then_some(self.new_oracle)
    }

    /// What the change carries besides the parameters.
    pub fn extras(&self) -> ChangeExtras {
        ChangeExtras {
            oracle: self.oracle(),
            unfreeze: self.unfreeze_venues,
        }
    }

    /// Records the feed rotation (or none) and the venues to unfreeze.
    pub fn set_extras(&mut self, extras: ChangeExtras) {
        self.oracle_changed = extras.oracle.is_some();
        if let Some(o) = extras.oracle {
            self.new_oracle = o;
        }
        self.unfreeze_venues = extras.unfreeze;
    }

    /// True once the timelock has elapsed.
    pub fn is_ready(&self, now: i64) -> bool {
        now >= self.eta
    }
}
