//! A depositor's pending withdrawal.
use anchor_lang::prelude::*;

/// PDA `[WITHDRAW_SEED, vault, owner]`: one open request per depositor and vault.
/// Its shares sit in the vault's escrow until `complete_withdraw` burns them or
/// `cancel_withdraw` returns them. Closed (rent to the owner) by either.
#[account]
#[derive(InitSpace, Debug)]
pub struct WithdrawRequest {
    /// The vault.
    pub vault: Pubkey,
    /// The depositor who owns the escrowed shares.
    pub owner: Pubkey,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// Escrowed shares (share base units).
    pub shares: u64,
    /// Collateral value of `shares` when requested (collateral base units); the payout
    /// is min(this, value at completion).
    pub assets_at_request: u64,
    /// When it was requested (unix seconds).
    pub requested_at: i64,
    /// Earliest completion time (unix seconds).
    pub unlock_at: i64,
}
